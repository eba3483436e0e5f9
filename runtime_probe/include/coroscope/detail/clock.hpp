// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <atomic>
#include <cstdint>
#include <ctime>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace coroscope::detail {

/// True when the CPU has an invariant TSC (constant_tsc + nonstop_tsc) and `ticks()` reads
/// it; otherwise `ticks()` reads CLOCK_MONOTONIC in nanoseconds. Decided once at start-up.
extern bool g_ticks_are_tsc;

/// A cheap timestamp for the hot path: one `rdtsc` (about 8 ns here), no syscall.
/// Convert with `ticks_to_ns` off the hot path.
inline std::uint64_t ticks() noexcept {
#if defined(__x86_64__)
  if (__builtin_expect(g_ticks_are_tsc, 1)) return __rdtsc();
#endif
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

/// Calibrated rate; 0 until the first calibration.
extern std::atomic<double> g_ns_per_tick;
double calibrate_ns_per_tick() noexcept;

/// Nanoseconds per tick, calibrated against CLOCK_MONOTONIC (first call spins ~5 ms) and
/// refined by `refine_tick_rate` as time passes.
inline double ns_per_tick() noexcept {
  const double rate = g_ns_per_tick.load(std::memory_order_relaxed);
  return rate != 0 ? rate : calibrate_ns_per_tick();
}
/// Re-measures the tick rate over the whole time since calibration (collector thread).
void refine_tick_rate() noexcept;

inline std::int64_t ticks_to_ns(std::int64_t ticks) noexcept {
  return static_cast<std::int64_t>(static_cast<double>(ticks) * ns_per_tick());
}
std::uint64_t ns_to_ticks(std::int64_t ns) noexcept;

/// CLOCK_MONOTONIC now, in nanoseconds.
std::int64_t monotonic_ns() noexcept;
/// Converts a tick timestamp to CLOCK_MONOTONIC nanoseconds.
std::int64_t ticks_to_monotonic_ns(std::uint64_t t) noexcept;

}  // namespace coroscope::detail
