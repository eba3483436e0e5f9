// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <optional>
#include <string>

namespace coroscope::agent {

/// The current heap profile as gzipped pprof (the HTTP heap endpoint), or nullopt when
/// heap sampling is off.
std::optional<std::string> heap_profile_pprof();

}  // namespace coroscope::agent
