// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The one listen-address parser. The console and the HTTP server used to parse on their
// own and disagreed: the console read `::1` as host `:` port 1, the HTTP server refused it.
#include <coroscope/base/host_port.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using coroscope::base::host_port;
using coroscope::base::parse_host_port;

std::optional<host_port> parse(std::string_view text) {
  std::string error;
  auto parsed = parse_host_port(text, error);
  EXPECT_EQ(parsed.has_value(), error.empty()) << text << ": " << error;
  return parsed;
}

TEST(host_port, accepts_the_documented_forms) {
  EXPECT_EQ(parse("0.0.0.0:6060"), (host_port{"0.0.0.0", 6060}));
  EXPECT_EQ(parse("my-host.local:065535"), (host_port{"my-host.local", 65535}));
  EXPECT_EQ(parse(":6669"), (host_port{"127.0.0.1", 6669}));
  EXPECT_EQ(parse("6669"), (host_port{"127.0.0.1", 6669}));
  EXPECT_EQ(parse("0"), (host_port{"127.0.0.1", 0})) << "port 0: any free port";
  EXPECT_EQ(parse("[::1]:7000"), (host_port{"::1", 7000}));
  EXPECT_EQ(parse("[::1]:0"), (host_port{"::1", 0}));
  EXPECT_EQ(parse("[fe80::1%eth0]:1"), (host_port{"fe80::1%eth0", 1}));
}

TEST(host_port, bare_ipv6_is_refused_with_the_bracketed_form) {
  for (const char* text : {"::1", "::1:6669", "fe80::1", "::"}) {
    std::string error;
    EXPECT_FALSE(parse_host_port(text, error)) << text;
    EXPECT_NE(error.find("[::1]:6669"), std::string::npos) << text << ": " << error;
  }
}

TEST(host_port, refuses_everything_else_with_a_reason) {
  for (const char* text : {"", "localhost", "host:", "host:x", "host:65536", "host:-1",
                           "host:+1", "host: 1", "[::1]", "[::1", "[::1]6669", "[]:80",
                           "[host]:80", "ho st:80", "http://host:80", "a/b:80", "-1"}) {
    std::string error;
    EXPECT_FALSE(parse_host_port(text, error)) << text;
    EXPECT_FALSE(error.empty()) << text;
    EXPECT_EQ(error.find('\n'), std::string::npos) << text;
  }
}

TEST(host_port, printed_form_reads_back) {
  for (const host_port& address : {host_port{"127.0.0.1", 6669}, host_port{"::1", 0},
                                   host_port{"fe80::1%eth0", 1}, host_port{"name", 80}}) {
    const std::string text = to_string(address);
    EXPECT_EQ(parse(text), address) << text;
  }
  EXPECT_EQ(to_string(host_port{"::1", 6669}), "[::1]:6669");
}

}  // namespace
