// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "query_string.hpp"

#include <gtest/gtest.h>

namespace {

using namespace coroscope::detail;
using std::chrono::seconds;

TEST(query_string, values) {
  auto t = split_request_target("/debug/pprof/profile?a=1&seconds=5&b");
  EXPECT_EQ(t.path, "/debug/pprof/profile");
  EXPECT_EQ(query_value(t.query, "seconds"), "5");
  EXPECT_EQ(query_value(t.query, "b"), "");
  EXPECT_FALSE(query_value(t.query, "c"));
  EXPECT_FALSE(query_value(split_request_target("/metrics").query, "seconds"));
}

TEST(query_string, profile_seconds) {
  EXPECT_EQ(parse_profile_seconds(std::nullopt, seconds(30), seconds(60)).seconds, seconds(30));
  EXPECT_EQ(parse_profile_seconds(std::nullopt, seconds(30), seconds(5)).seconds, seconds(5));
  EXPECT_EQ(parse_profile_seconds("60", seconds(30), seconds(60)).seconds, seconds(60));
  EXPECT_EQ(parse_profile_seconds("1", seconds(30), seconds(60)).seconds, seconds(1));
  for (const char* bad : {"0", "61", "abc", "", "-1", "1.5", " 5", "5 "})
    EXPECT_FALSE(parse_profile_seconds(bad, seconds(30), seconds(60)).error.empty()) << bad;
}

}  // namespace
