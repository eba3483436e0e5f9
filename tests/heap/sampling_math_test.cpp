// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "sampling_math.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace {

using namespace coroscope::heap::detail;

TEST(heap_sampling_math, weight_is_one_when_sampling_everything) {
  EXPECT_EQ(sample_weight(0, 1), 1.0);
  EXPECT_EQ(sample_weight(1, 1), 1.0);
  EXPECT_EQ(sample_weight(1 << 20, 1), 1.0);
  std::uint64_t rng = 1;
  EXPECT_EQ(draw_bytes_until_sample(rng, 1), 0);
}

TEST(heap_sampling_math, weight_is_the_inverse_sampling_probability) {
  const std::uint64_t mean = 512 * 1024;
  EXPECT_NEAR(sample_weight(mean, mean), 1.0 / (1.0 - std::exp(-1.0)), 1e-12);
  // Small allocations stand for about mean/size allocations; huge ones for one.
  EXPECT_NEAR(sample_weight(64, mean), mean / 64.0, 1.0);
  EXPECT_NEAR(sample_weight(64ull * mean, mean), 1.0, 1e-12);
  // Zero-byte allocations count as one byte, never an infinite weight.
  EXPECT_EQ(sample_weight(0, mean), sample_weight(1, mean));
}

TEST(heap_sampling_math, countdown_is_exponential_with_the_mean) {
  std::uint64_t rng = 0x1234567;
  const std::uint64_t mean = 512 * 1024;
  const int n = 200000;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const auto v = static_cast<double>(draw_bytes_until_sample(rng, mean));
    ASSERT_GE(v, 1.0);
    sum += v;
    sum_sq += v * v;
  }
  const double m = sum / n;
  const double sd = std::sqrt(sum_sq / n - m * m);
  EXPECT_NEAR(m / mean, 1.0, 0.01);
  EXPECT_NEAR(sd / mean, 1.0, 0.02);  // an exponential's deviation equals its mean
}

// The whole estimator, as the allocation path runs it: countdown, sample, weight. The
// estimates of a stream's bytes and count are unbiased, and a 100 MB stream lands within
// 10% in the great majority of runs (the relative error is about 1/sqrt(samples) = 7%).
TEST(heap_sampling_math, estimates_are_unbiased) {
  const std::uint64_t mean = 512 * 1024;
  std::uint64_t rng = 0xC0FFEE;
  const int runs = 200;
  double bytes_ratio_sum = 0, count_ratio_sum = 0;
  int within_10 = 0;
  std::uint64_t size_rng = 99;
  for (int run = 0; run < runs; ++run) {
    std::int64_t countdown = draw_bytes_until_sample(rng, mean);
    double est_bytes = 0, est_count = 0;
    std::uint64_t true_bytes = 0, true_count = 0;
    while (true_bytes < 100'000'000) {
      const std::size_t size = 16 + next_random(size_rng) % 4000;  // 16..4015 bytes
      true_bytes += size;
      ++true_count;
      countdown -= countdown_bytes(size);
      if (countdown < 0) {
        countdown = draw_bytes_until_sample(rng, mean);
        const double w = sample_weight(size, mean);
        est_bytes += w * static_cast<double>(size);
        est_count += w;
      }
    }
    const double ratio = est_bytes / static_cast<double>(true_bytes);
    bytes_ratio_sum += ratio;
    count_ratio_sum += est_count / static_cast<double>(true_count);
    within_10 += std::abs(ratio - 1.0) <= 0.10 ? 1 : 0;
  }
  EXPECT_NEAR(bytes_ratio_sum / runs, 1.0, 0.015);
  EXPECT_NEAR(count_ratio_sum / runs, 1.0, 0.02);
  EXPECT_GE(within_10, runs * 80 / 100);
}

}  // namespace
