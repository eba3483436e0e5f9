// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

/// Poisson sampling of allocations by bytes. Each thread counts down the bytes until its
/// next sample; the countdown is drawn from an exponential distribution with mean T, so
/// an allocation of s bytes is sampled with probability p = 1 - exp(-s/T) whatever came
/// before it. A sampled allocation then stands for 1/p allocations and s/p bytes, which
/// makes the sums unbiased estimates of the true counts and bytes.
namespace coroscope::heap::detail {

/// xorshift64*: a cheap per-thread generator; `state` must not be 0.
inline std::uint64_t next_random(std::uint64_t& state) noexcept {
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 2685821657736338717ULL;
}

/// Bytes until the next sample: exponential with mean `mean_bytes`, at least 1. With a
/// mean of 1 (sample everything) it is 0, so every allocation crosses it.
inline std::int64_t draw_bytes_until_sample(std::uint64_t& state, std::uint64_t mean_bytes) noexcept {
  if (mean_bytes <= 1) return 0;
  // Uniform in (0, 1]: never log(0).
  const double u = static_cast<double>((next_random(state) >> 11) + 1) * 0x1.0p-53;
  const double bytes = -std::log(u) * static_cast<double>(mean_bytes);
  if (bytes < 1.0) return 1;
  if (bytes > 0x1.0p62) return std::int64_t{1} << 62;
  return static_cast<std::int64_t>(bytes);
}

/// The bytes an allocation of `size` counts for in the countdown: a zero-byte allocation
/// counts as one, so sampling every allocation includes it.
constexpr std::int64_t countdown_bytes(std::size_t size) noexcept {
  return static_cast<std::int64_t>(size + (size == 0 ? 1 : 0));
}

/// How many allocations a sampled allocation of `size` bytes stands for:
/// 1 / (1 - exp(-size/mean)); exactly 1 when every allocation is sampled.
inline double sample_weight(std::size_t size, std::uint64_t mean_bytes) noexcept {
  if (mean_bytes <= 1) return 1.0;
  const double x = static_cast<double>(countdown_bytes(size)) / static_cast<double>(mean_bytes);
  return 1.0 / -std::expm1(-x);
}

}  // namespace coroscope::heap::detail
