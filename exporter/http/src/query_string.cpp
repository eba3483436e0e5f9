// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "query_string.hpp"

#include <algorithm>
#include <charconv>

namespace coroscope::detail {

split_target split_request_target(std::string_view target) noexcept {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::optional<std::string_view> query_value(std::string_view query, std::string_view name) noexcept {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (key == name) return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
  }
  return std::nullopt;
}

seconds_or_error parse_profile_seconds(std::optional<std::string_view> raw,
                                       std::chrono::seconds default_seconds,
                                       std::chrono::seconds max_seconds) {
  if (!raw) return {std::min(default_seconds, max_seconds), {}};
  const std::string max_text = std::to_string(max_seconds.count());
  long long value = 0;
  auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), value);
  if (raw->empty() || ec == std::errc::invalid_argument || end != raw->data() + raw->size())
    return {{}, "seconds must be a whole number from 1 to " + max_text + ", got '" +
                    std::string(raw->substr(0, 32)) + "'"};
  if (ec == std::errc::result_out_of_range || value > max_seconds.count())
    return {{}, "seconds must be at most " + max_text + " (the server's limit), got " +
                    std::string(raw->substr(0, 32))};
  if (value < 1) return {{}, "seconds must be at least 1, got " + std::string(*raw)};
  return {std::chrono::seconds(value), {}};
}

}  // namespace coroscope::detail
