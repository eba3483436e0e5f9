// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/base/host_port.hpp>

#include <algorithm>
#include <charconv>

namespace coroscope::base {
namespace {

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_host_name(std::string_view host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return is_alnum(c) || c == '.' || c == '-' || c == '_';
  });
}

/// The inside of `[...]`: an IPv6 address, possibly with a `%zone`.
bool is_ipv6_literal(std::string_view host) {
  return host.find(':') != std::string_view::npos &&
         std::all_of(host.begin(), host.end(),
                     [](char c) { return is_alnum(c) || c == ':' || c == '.' || c == '%'; });
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::optional<host_port> parse_host_port(std::string_view text, std::string& error) {
  std::string_view host, port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      error = "the IPv6 address has no closing ]";
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    if (!is_ipv6_literal(host)) {
      error = "the text in [] is not an IPv6 address";
      return std::nullopt;
    }
    if (text.substr(close + 1, 1) != ":") {
      error = "no :port after the IPv6 address";
      return std::nullopt;
    }
    port = text.substr(close + 2);
  } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      error = "an IPv6 address goes in brackets, with a port: [::1]:6669";
      return std::nullopt;
    }
    if (!host.empty() && !is_host_name(host)) {
      error = "the host is not a name or an IPv4 address";
      return std::nullopt;
    }
  } else {
    port = text;
  }
  const auto number = parse_port(port);
  if (!number) {
    error = "bad port (a number in 0..65535, 0 for any free one)";
    return std::nullopt;
  }
  return host_port{host.empty() ? std::string(kLoopbackHost) : std::string(host), *number};
}

std::string to_string(const host_port& address) {
  const bool ipv6 = address.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + address.host + "]" : address.host) + ':' + std::to_string(address.port);
}

}  // namespace coroscope::base
