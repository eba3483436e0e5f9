// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "request_util.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using namespace coroscope::detail;
using std::chrono::seconds;

TEST(request_util, bearer_matches) {
  EXPECT_TRUE(bearer_matches("Bearer tok", "tok"));
  EXPECT_TRUE(bearer_matches("bearer  tok ", "tok"));
  EXPECT_FALSE(bearer_matches("Basic tok", "tok"));
  EXPECT_FALSE(bearer_matches("Bearer", "tok"));
  EXPECT_FALSE(bearer_matches("tok", "tok"));
  EXPECT_FALSE(bearer_matches("Bearer TOK", "tok"));
}

TEST(request_util, query_values) {
  auto t = split_request_target("/debug/pprof/profile?a=1&seconds=5&b");
  EXPECT_EQ(t.path, "/debug/pprof/profile");
  EXPECT_EQ(query_value(t.query, "seconds"), "5");
  EXPECT_EQ(query_value(t.query, "b"), "");
  EXPECT_FALSE(query_value(t.query, "c"));
  EXPECT_FALSE(query_value(split_request_target("/metrics").query, "seconds"));
}

TEST(request_util, profile_seconds) {
  EXPECT_EQ(parse_profile_seconds(std::nullopt, seconds(30), seconds(60)).seconds, seconds(30));
  EXPECT_EQ(parse_profile_seconds(std::nullopt, seconds(30), seconds(5)).seconds, seconds(5));
  EXPECT_EQ(parse_profile_seconds("60", seconds(30), seconds(60)).seconds, seconds(60));
  EXPECT_EQ(parse_profile_seconds("1", seconds(30), seconds(60)).seconds, seconds(1));
  for (const char* bad : {"0", "61", "abc", "", "-1", "1.5", " 5", "5 "})
    EXPECT_FALSE(parse_profile_seconds(bad, seconds(30), seconds(60)).error.empty()) << bad;
}

TEST(request_util, listen_addresses) {
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
TEST(request_util, listen_address_errors_name_the_variable) {
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
