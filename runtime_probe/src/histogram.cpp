// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "histogram.hpp"

#include <algorithm>
#include <bit>

namespace coroscope::detail {

unsigned log_histogram::bucket_of(std::uint64_t ns) noexcept {
  if (ns < kExact) return static_cast<unsigned>(ns);
  const unsigned exponent = 63u - static_cast<unsigned>(std::countl_zero(ns));  // >= 4
  if (exponent >= kMaxExponent) return kBuckets - 1;
  const unsigned sub = static_cast<unsigned>(ns >> (exponent - kSubBits)) & ((1u << kSubBits) - 1);
  return kExact + (exponent - 4) * (1u << kSubBits) + sub;
}

std::uint64_t log_histogram::bucket_low(unsigned bucket) noexcept {
  if (bucket < kExact) return bucket;
  const unsigned exponent = 4 + (bucket - kExact) / (1u << kSubBits);
  const unsigned sub = (bucket - kExact) % (1u << kSubBits);
  return (std::uint64_t{1} << exponent) + (std::uint64_t{sub} << (exponent - kSubBits));
}

void log_histogram::record(std::uint64_t ns) noexcept {
  std::uint32_t& b = buckets_[bucket_of(ns)];
  if (b != UINT32_MAX) ++b;
  min_ = count_ == 0 ? ns : std::min(min_, ns);
  max_ = std::max(max_, ns);
  ++count_;
}

duration_histogram log_histogram::summarize() const {
  duration_histogram h;
  h.count = count_;
  if (count_ == 0) return h;
  h.min = nanoseconds(min_);
  h.max = nanoseconds(max_);
  std::uint64_t total = 0;
  for (std::uint32_t b : buckets_) total += b;
  const auto percentile = [&](double q) {
    const std::uint64_t rank = static_cast<std::uint64_t>(q * static_cast<double>(total - 1)) + 1;
    std::uint64_t seen = 0;
    for (unsigned i = 0; i < kBuckets; ++i) {
      seen += buckets_[i];
      if (seen >= rank) {
        const std::uint64_t low = bucket_low(i);
        const std::uint64_t high = i + 1 < kBuckets ? bucket_low(i + 1) : max_ + 1;
        const std::uint64_t mid = low + (high - low) / 2;
        return nanoseconds(std::clamp(mid, min_, max_));
      }
    }
    return nanoseconds(max_);
  };
  h.p10 = percentile(0.10);
  h.p25 = percentile(0.25);
  h.p50 = percentile(0.50);
  h.p75 = percentile(0.75);
  h.p90 = percentile(0.90);
  h.p95 = percentile(0.95);
  h.p99 = percentile(0.99);
  return h;
}

}  // namespace coroscope::detail
