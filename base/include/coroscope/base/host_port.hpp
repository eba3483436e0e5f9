// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The one parser of listen addresses (`COROSCOPE_CONSOLE`, `COROSCOPE_HTTP`,
// `probe_options::console_address`, `debug_server_options::address`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coroscope::base {

/// The host an address without one listens on: loopback.
inline constexpr std::string_view kLoopbackHost = "127.0.0.1";

/// A listen address: a host name, an IPv4 address or an IPv6 address (without brackets,
/// possibly with a `%zone`), and a port (0: any free one).
struct host_port {
  std::string host;
  std::uint16_t port = 0;
  bool operator==(const host_port&) const = default;
};

/// Parses one of
///   `host:port`   a name (letters, digits, `.`, `-`, `_`) or an IPv4 address;
///   `[ipv6]:port` an IPv6 address in brackets, e.g. `[::1]:6669`, `[fe80::1%eth0]:1`;
///   `:port`, `port`  on 127.0.0.1;
/// the port a decimal in 0..65535. Nothing else is accepted; in particular an IPv6
/// address without brackets (`::1`, `::1:6669`) is refused, since where its port would
/// start cannot be told. On bad input returns nothing and sets `error` to the reason,
/// without the input (the caller names the variable and quotes the value).
std::optional<host_port> parse_host_port(std::string_view text, std::string& error);

/// `host:port`, an IPv6 host in brackets: what `parse_host_port` reads back unchanged.
std::string to_string(const host_port& address);

}  // namespace coroscope::base
