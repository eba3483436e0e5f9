// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The request target of a debug-server request: its path, the values of its query string,
// and the `seconds` a profile request asks for.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace coroscope::detail {

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

}  // namespace coroscope::detail
