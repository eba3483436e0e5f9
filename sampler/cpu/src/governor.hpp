// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <algorithm>
#include <cstdint>

namespace coroscope::sampling::detail {

/// Lowest rate the governor goes down to.
inline constexpr double kMinGovernedHz = 1.0;

/// The self-overhead governor's rule. Overhead = mean handler cost x rate (the fraction
/// of a sampled thread's CPU the handler takes). Above `max_overhead` the rate drops to
/// where the overhead would be 80% of the limit; below half the limit a lowered rate rises
/// back the same way, never above `requested_hz`. The band between keeps it from
/// oscillating. Pure: the signal handler calls it once per window of samples.
inline double governed_rate(double requested_hz, double current_hz, double mean_cost_ns,
                            double max_overhead) noexcept {
  if (mean_cost_ns <= 0 || max_overhead <= 0) return requested_hz;
  const double overhead = mean_cost_ns * current_hz * 1e-9;
  const bool too_costly = overhead > max_overhead;
  const bool room_to_rise = current_hz < requested_hz && overhead < 0.5 * max_overhead;
  if (!too_costly && !room_to_rise) return current_hz;
  const double target = 0.8 * max_overhead * 1e9 / mean_cost_ns;
  return std::clamp(target, std::min(kMinGovernedHz, requested_hz), requested_hz);
}

/// Timer period for a rate, in ns (at least 1 µs).
inline std::uint64_t period_ns_for(double hz) noexcept {
  const double ns = 1e9 / std::max(hz, 1e-3);
  return static_cast<std::uint64_t>(std::max(ns, 1000.0));
}

}  // namespace coroscope::sampling::detail
