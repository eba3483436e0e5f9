// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "request_util.hpp"

#include <coroscope/env/error_line.hpp>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace coroscope::detail {

bool constant_time_equal(std::string_view given, std::string_view expected) noexcept {
  // Every byte of `given` is compared (against a wrapped `expected` when the lengths
  // differ), so neither the position of a mismatch nor the token shows in the timing.
  unsigned diff = given.size() != expected.size() ? 1u : 0u;
  if (expected.empty()) return false;
  for (std::size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(given[i]) ^
            static_cast<unsigned char>(expected[i % expected.size()]);
  return diff == 0;
}

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
  return constant_time_equal(credentials, token);
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

listen_address parse_listen_address(std::string_view text) {
  auto bad = [&](const std::string& why) -> listen_address {
    throw std::invalid_argument("COROSCOPE_HTTP=" + env::quoted(text) + ": " + why +
                                " (expected host:port, e.g. 127.0.0.1:6060)");
  };
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return bad("unterminated [IPv6] address");
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (rest.size() < 2 || rest.front() != ':') return bad("no port after the IPv6 address");
    port = rest.substr(1);
  } else if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return bad("put an IPv6 address in brackets");
  } else {
    port = text;
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value > 65535)
    return bad("bad port " + env::quoted(port));
  return {host.empty() ? std::string("127.0.0.1") : std::string(host),
          static_cast<unsigned short>(value)};
}

}  // namespace coroscope::detail
