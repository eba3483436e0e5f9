// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <gtest/gtest.h>

#include "histogram.hpp"

using coroscope::detail::log_histogram;
using std::chrono::nanoseconds;

TEST(LogHistogram, EmptyHasZeroCount) {
  log_histogram h;
  EXPECT_EQ(h.summarize().count, 0u);
  EXPECT_EQ(h.summarize().p50, nanoseconds(0));
}

TEST(LogHistogram, SmallValuesAreExact) {
  log_histogram h;
  for (std::uint64_t v = 0; v < 10; ++v) h.record(v);
  const auto s = h.summarize();
  EXPECT_EQ(s.count, 10u);
  EXPECT_EQ(s.min, nanoseconds(0));
  EXPECT_EQ(s.max, nanoseconds(9));
  EXPECT_EQ(s.p50, nanoseconds(4));
}

TEST(LogHistogram, PercentilesOfUniformDistributionWithinBucketWidth) {
  log_histogram h;
  for (std::uint64_t us = 1; us <= 1000; ++us) h.record(us * 1000);
  const auto s = h.summarize();
  EXPECT_EQ(s.min, nanoseconds(1000));
  EXPECT_EQ(s.max, nanoseconds(1000000));
  EXPECT_NEAR(static_cast<double>(s.p10.count()), 100e3, 100e3 * 0.15);
  EXPECT_NEAR(static_cast<double>(s.p50.count()), 500e3, 500e3 * 0.15);
  EXPECT_NEAR(static_cast<double>(s.p90.count()), 900e3, 900e3 * 0.15);
  EXPECT_NEAR(static_cast<double>(s.p99.count()), 990e3, 990e3 * 0.15);
  EXPECT_LE(s.p10, s.p25);
  EXPECT_LE(s.p25, s.p50);
  EXPECT_LE(s.p50, s.p75);
  EXPECT_LE(s.p75, s.p90);
  EXPECT_LE(s.p90, s.p95);
  EXPECT_LE(s.p95, s.p99);
}

TEST(LogHistogram, HugeValuesLandInLastBucketAndKeepExactMax) {
  log_histogram h;
  h.record(std::uint64_t{1} << 50);
  const auto s = h.summarize();
  EXPECT_EQ(s.max, nanoseconds(std::uint64_t{1} << 50));
  EXPECT_EQ(s.p99, s.max);
}
