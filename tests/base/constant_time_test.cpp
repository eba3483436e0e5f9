// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The one token compare (HTTP bearer tokens, console tokens).
#include <coroscope/base/constant_time.hpp>

#include <gtest/gtest.h>

namespace {

using coroscope::base::constant_time_equal;

TEST(constant_time_equal, equal_only_when_bytes_and_length_match) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abd", "abc"));
  EXPECT_FALSE(constant_time_equal("ab", "abc"));
  EXPECT_FALSE(constant_time_equal("abcabc", "abc")) << "a repeat of the token is not it";
  EXPECT_FALSE(constant_time_equal(std::string_view("abc\0", 4), "abc")) << "a trailing NUL is a byte";
  EXPECT_FALSE(constant_time_equal("", "abc"));
}

TEST(constant_time_equal, empty_token_never_matches) {
  EXPECT_FALSE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("x", ""));
}

}  // namespace
