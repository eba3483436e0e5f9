// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <string>
#include <string_view>

namespace coroscope::detail {

/// Where an OTLP/HTTP request goes.
struct http_endpoint {
  std::string host;
  std::string port;
  /// Path and query, never empty ("/" at least).
  std::string target;
  /// `host` or `host:port`, for the Host header.
  std::string host_header;
};

/// Parses an `http://host[:port][/path][?query]` URL (Boost.URL). Throws
/// `std::invalid_argument` with a one-line message for anything else; `https://` is
/// named as not supported.
http_endpoint parse_http_endpoint(std::string_view url);

}  // namespace coroscope::detail
