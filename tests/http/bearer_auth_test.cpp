// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "bearer_auth.hpp"

#include <gtest/gtest.h>

namespace {

using namespace coroscope::detail;

TEST(bearer_auth, matches_only_a_bearer_of_the_token) {
  EXPECT_TRUE(bearer_matches("Bearer tok", "tok"));
  EXPECT_TRUE(bearer_matches("bearer  tok ", "tok"));
  EXPECT_FALSE(bearer_matches("Basic tok", "tok"));
  EXPECT_FALSE(bearer_matches("Bearer", "tok"));
  EXPECT_FALSE(bearer_matches("tok", "tok"));
  EXPECT_FALSE(bearer_matches("Bearer TOK", "tok"));
}

}  // namespace
