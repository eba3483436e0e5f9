// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "governor.hpp"

#include <gtest/gtest.h>

namespace {

using coroscope::sampling::detail::governed_rate;
using coroscope::sampling::detail::kMinGovernedHz;
using coroscope::sampling::detail::period_ns_for;

TEST(Governor, KeepsTheRequestedRateWhenCheap) {
  // 2 µs x 99 Hz = 0.02% of a CPU, well under 1%.
  EXPECT_EQ(governed_rate(99, 99, 2000, 0.01), 99);
}

TEST(Governor, LowersTheRateWhenTooCostly) {
  // 200 µs x 99 Hz = 1.98% > 1%: down to where the overhead is 0.8%, 40 Hz.
  const double next = governed_rate(99, 99, 200'000, 0.01);
  EXPECT_NEAR(next, 40.0, 1e-9);
  EXPECT_LE(200'000 * next * 1e-9, 0.01);
}

TEST(Governor, NeverBelowTheFloorNorAboveTheRequest) {
  EXPECT_EQ(governed_rate(99, 99, 1e9, 0.001), kMinGovernedHz);
  EXPECT_EQ(governed_rate(99, 10, 1, 0.01), 99);
}

TEST(Governor, RaisesBackWhenCheapAgain) {
  // Lowered to 10 Hz earlier; the handler now costs 1 µs: back to the requested rate.
  EXPECT_EQ(governed_rate(99, 10, 1000, 0.01), 99);
  // Partially: 200 µs at 20 Hz is 0.4% (< half of 1%): rise to 40 Hz, not to 99.
  EXPECT_NEAR(governed_rate(99, 20, 200'000, 0.01), 40.0, 1e-9);
}

TEST(Governor, HoldsInsideTheHysteresisBand) {
  // 0.75% overhead: neither above the limit nor below half of it.
  EXPECT_EQ(governed_rate(99, 50, 150'000, 0.01), 50);
}

TEST(Governor, NoMeasurementMeansTheRequestedRate) {
  EXPECT_EQ(governed_rate(99, 10, 0, 0.01), 99);
}

TEST(Governor, PeriodForRate) {
  EXPECT_EQ(period_ns_for(99), 10'101'010u);
  EXPECT_EQ(period_ns_for(1), 1'000'000'000u);
  EXPECT_EQ(period_ns_for(1e7), 1000u);  // clamped to 1 µs
}

}  // namespace
