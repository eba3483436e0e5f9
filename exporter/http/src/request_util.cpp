// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "request_util.hpp"

#include <coroscope/base/constant_time.hpp>
#include <coroscope/base/env_error_line.hpp>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace coroscope::detail {

bool bearer_matches(std::string_view authorization, std::string_view token) noexcept {
  // The scheme is case-insensitive (RFC 9110 11.1); the credentials are not.
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() < scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return false;
  }
  std::string_view credentials = authorization.substr(scheme.size());
  while (!credentials.empty() && credentials.front() == ' ') credentials.remove_prefix(1);
  while (!credentials.empty() && credentials.back() == ' ') credentials.remove_suffix(1);
  return base::constant_time_equal(credentials, token);
}

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

base::host_port parse_listen_address(std::string_view text) {
  std::string why;
  if (auto address = base::parse_host_port(text, why)) return *std::move(address);
  throw std::invalid_argument("COROSCOPE_HTTP=" + env::quoted(text) + ": " + why +
                              " (expected host:port, e.g. 127.0.0.1:6060)");
}

}  // namespace coroscope::detail
