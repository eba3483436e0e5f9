// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <memory>
#include <vector>

#include "coroscope/core/recording.hpp"
#include "service.hpp"

/// The services a probe runs, one file each in agent/src. A new sink is a new
/// `*_service.cpp` with its `make_*_service` here and a line in `make_services`.
namespace coroscope::agent {

/// The whole-run CPU profile `COROSCOPE_CPU_PROFILE` (profile_file_service.cpp).
std::unique_ptr<service> make_profile_file_service(core::recording& recording);
/// Heap sampling for `COROSCOPE_HEAP_PROFILE` with coroscope::heap (heap_service.cpp).
std::unique_ptr<service> make_heap_service(core::recording& recording);
/// OTLP profiles to an endpoint and `COROSCOPE_OTLP_FILE` (otlp_service.cpp).
std::unique_ptr<service> make_otlp_service(core::recording& recording);
/// The HTTP debug endpoints, `COROSCOPE_HTTP` (http_service.cpp).
std::unique_ptr<service> make_http_service(core::recording& recording);
/// Continuous profiling: Pyroscope push and `COROSCOPE_PROFILE_DIR` (pyroscope_service.cpp).
std::unique_ptr<service> make_pyroscope_service(core::recording& recording);
/// The live console server, `COROSCOPE_CONSOLE` (console_service.cpp).
std::unique_ptr<service> make_console_service(core::recording& recording);
/// Flight-recorder traces into `COROSCOPE_TRACE_DIR` on lints and SIGUSR2.
std::unique_ptr<service> make_trace_dir_service(core::recording& recording);

/// Every service, in start order; `probe` keeps the ones that started.
std::vector<std::unique_ptr<service>> make_services(core::recording& recording);

}  // namespace coroscope::agent
