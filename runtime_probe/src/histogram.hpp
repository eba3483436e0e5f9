// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <array>
#include <cstdint>

#include "coroscope/snapshot.hpp"

namespace coroscope::detail {

/// Log-linear histogram of nanosecond durations in fixed memory (576 bytes): exact below
/// 16 ns, then four buckets per power of two up to 2^36 ns (about 69 s; longer values land
/// in the last bucket). Collector thread only.
class log_histogram {
 public:
  void record(std::uint64_t ns) noexcept;
  /// Percentiles (bucket midpoints clamped to the exact min/max), count, min and max.
  duration_histogram summarize() const;
  std::uint64_t count() const noexcept { return count_; }

 private:
  static constexpr unsigned kSubBits = 2;
  static constexpr unsigned kExact = 16;
  static constexpr unsigned kMaxExponent = 36;
  static constexpr unsigned kBuckets = kExact + (kMaxExponent - 4) * (1u << kSubBits);

  static unsigned bucket_of(std::uint64_t ns) noexcept;
  static std::uint64_t bucket_low(unsigned bucket) noexcept;

  std::array<std::uint32_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace coroscope::detail
