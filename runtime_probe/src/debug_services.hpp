// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <functional>
#include <memory>

#include "coroscope/continuous.hpp"
#include "coroscope/debug_server.hpp"
#include "coroscope/probe_options.hpp"
#include "coroscope/snapshot.hpp"
#include "probe_profiles.hpp"

namespace coroscope::detail {

/// The probe's HTTP debug endpoints (`COROSCOPE_HTTP`) and continuous profiling
/// (`COROSCOPE_PYROSCOPE_URL`, `COROSCOPE_PROFILE_DIR`), each on threads of its own and
/// each off unless asked for. A part that cannot start says why on one line of stderr;
/// the program goes on without it.
class debug_services {
 public:
  debug_services(const resolved_options& options, probe_profiles& profiles,
                 std::function<coroscope::snapshot()> take_snapshot);
  ~debug_services();

  /// Port the debug endpoints listen on; 0 when off.
  unsigned short http_port() const noexcept { return http_ ? http_->port() : 0; }

 private:
  std::unique_ptr<debug_server> http_;
  std::unique_ptr<continuous_profiler> continuous_;
};

}  // namespace coroscope::detail
