// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "listen_address.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using namespace coroscope::detail;

TEST(listen_address, host_port_forms) {
  auto a = parse_listen_address("0.0.0.0:6060");
  EXPECT_EQ(a.host, "0.0.0.0");
  EXPECT_EQ(a.port, 6060);
  a = parse_listen_address("6060");
  EXPECT_EQ(a.host, "127.0.0.1");
  a = parse_listen_address(":0");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 0);
  a = parse_listen_address("[::1]:7000");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 7000);
  for (const char* bad : {"", "host:", "host:x", "host:65536", "::1:80", "[::1]", "[::1", "::1"})
    EXPECT_THROW(parse_listen_address(bad), std::invalid_argument) << bad;
}

// The console and the HTTP server share one parser: the same text means the same address
// to both (the console used to read `::1` as host `:` port 1, and refuse a bare port).
TEST(listen_address, errors_name_the_variable) {
  try {
    parse_listen_address("::1");
    FAIL() << "a bare IPv6 address was accepted";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_TRUE(what.starts_with("COROSCOPE_HTTP=\"::1\": ")) << what;
    EXPECT_NE(what.find("[::1]:6669"), std::string::npos) << what;
  }
}

}  // namespace
