// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The debug server's listen address (`COROSCOPE_HTTP`).
#pragma once

#include <coroscope/base/host_port.hpp>

#include <string_view>

namespace coroscope::detail {

/// `base::parse_host_port` for `COROSCOPE_HTTP`: throws `std::invalid_argument` with one
/// line naming the variable and its value.
base::host_port parse_listen_address(std::string_view text);

}  // namespace coroscope::detail
