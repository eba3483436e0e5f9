// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "listen_address.hpp"

#include <coroscope/base/env_error_line.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace coroscope::detail {

base::host_port parse_listen_address(std::string_view text) {
  std::string why;
  if (auto address = base::parse_host_port(text, why)) return *std::move(address);
  throw std::invalid_argument("COROSCOPE_HTTP=" + env::quoted(text) + ": " + why +
                              " (expected host:port, e.g. 127.0.0.1:6060)");
}

}  // namespace coroscope::detail
