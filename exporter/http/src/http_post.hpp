// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace coroscope::detail {

/// Where the Pyroscope server is: from `http://host[:port][/prefix]`.
struct http_base_url {
  std::string host;
  std::string port = "80";
  std::string prefix;  ///< path without a trailing '/', may be empty
  std::string host_header;
};

/// Splits a base URL; throws `std::invalid_argument` with a one-line reason (only
/// `http://` is supported; no query, fragment or user info).
http_base_url parse_base_url(std::string_view url);

/// The outcome of one POST: a status, or the error that prevented one.
struct post_result {
  unsigned status = 0;  ///< 0: no response (see error)
  std::string error;
  std::string body;  ///< the response body (truncated), for error messages
};

/// Sends one HTTP/1.1 POST (Boost.Beast) and waits for the response, all within
/// `timeout`. Runs a private io_context on the calling thread.
post_result http_post(const http_base_url& base, const std::string& target, std::string body,
                      std::string_view content_type, std::chrono::milliseconds timeout);

}  // namespace coroscope::detail
