// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace coroscope::detail {

/// Equality whose time depends only on the length of `given`, not on where it differs
/// from `expected` (for bearer tokens).
bool constant_time_equal(std::string_view given, std::string_view expected) noexcept;

/// True when an `Authorization` header value carries `Bearer <token>`.
bool bearer_matches(std::string_view authorization, std::string_view token) noexcept;

/// A request target split into its path and the raw (still encoded) query.
struct split_target {
  std::string_view path;
  std::string_view query;
};
split_target split_request_target(std::string_view target) noexcept;

/// The raw value of `name` in a `k=v&k2=v2` query; nothing when absent.
std::optional<std::string_view> query_value(std::string_view query, std::string_view name) noexcept;

/// Either the seconds a profile request asked for, or why it is refused (for a 400).
struct seconds_or_error {
  std::chrono::seconds seconds{0};
  std::string error;
};
/// `raw` absent: the default (capped at the maximum); else a decimal in 1..max.
seconds_or_error parse_profile_seconds(std::optional<std::string_view> raw,
                                       std::chrono::seconds default_seconds,
                                       std::chrono::seconds max_seconds);

/// A listen address split into host and port. A missing host means 127.0.0.1.
struct listen_address {
  std::string host;
  unsigned short port = 0;
};
/// Parses `host:port`, `[v6]:port`, `:port` or `port`; throws `std::invalid_argument`.
listen_address parse_listen_address(std::string_view text);

}  // namespace coroscope::detail
