// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/detail/clock.hpp"

#include <atomic>
#include <mutex>
#include <sstream>
#include <string>

#include "cloexec_io.hpp"

namespace coroscope::detail {
namespace {

bool cpu_has_invariant_tsc() {
#if defined(__x86_64__)
  // The first CPU's block holds a "flags" line; read close-on-exec, since another thread
  // may fork and exec while the probe starts.
  std::istringstream cpuinfo(read_file_cloexec("/proc/cpuinfo").value_or(""));
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.starts_with("flags"))
      return line.find(" constant_tsc") != std::string::npos &&
             line.find(" nonstop_tsc") != std::string::npos;
  }
#endif
  return false;
}

struct calibration {
  std::uint64_t base_ticks = 0;
  std::int64_t base_ns = 0;
};

struct clock_pair {
  std::uint64_t ticks;
  std::int64_t ns;
};

/// A tick count and a monotonic time taken together: the pair with the fewest ticks
/// between its two tick reads, out of a few tries, so that a preemption between the reads
/// (common on a loaded machine) does not skew the calibration.
clock_pair read_pair() noexcept {
  clock_pair best{ticks(), monotonic_ns()};
  std::uint64_t best_width = ~std::uint64_t{0};
  for (int i = 0; i < 16; ++i) {
    const std::uint64_t before = ticks();
    const std::int64_t ns = monotonic_ns();
    const std::uint64_t after = ticks();
    if (after - before < best_width) {
      best_width = after - before;
      best = {before + (after - before) / 2, ns};
    }
  }
  return best;
}

calibration& state() {
  static calibration c;
  return c;
}

void calibrate_once() {
  calibration& c = state();
  if (!g_ticks_are_tsc) {
    c.base_ticks = ticks();
    c.base_ns = monotonic_ns();  // ticks are already nanoseconds
    g_ns_per_tick.store(1.0, std::memory_order_relaxed);
    return;
  }
  const clock_pair base = read_pair();
  c.base_ticks = base.ticks;
  c.base_ns = base.ns;
  // Spin ~5 ms for a first estimate; the collector refines it over a longer baseline.
  while (monotonic_ns() - c.base_ns < 5'000'000) {
  }
  const clock_pair end = read_pair();
  g_ns_per_tick.store(static_cast<double>(end.ns - c.base_ns) /
                          static_cast<double>(end.ticks - c.base_ticks),
                      std::memory_order_relaxed);
}

std::once_flag calibrated;

}  // namespace

bool g_ticks_are_tsc = cpu_has_invariant_tsc();
std::atomic<double> g_ns_per_tick{0.0};

std::int64_t monotonic_ns() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

double calibrate_ns_per_tick() noexcept {
  std::call_once(calibrated, calibrate_once);
  return g_ns_per_tick.load(std::memory_order_relaxed);
}

void refine_tick_rate() noexcept {
  std::call_once(calibrated, calibrate_once);
  if (!g_ticks_are_tsc) return;
  calibration& c = state();
  const auto [t, ns] = read_pair();
  if (ns - c.base_ns < 50'000'000) return;  // too short a baseline to improve on the spin
  g_ns_per_tick.store(static_cast<double>(ns - c.base_ns) / static_cast<double>(t - c.base_ticks),
                      std::memory_order_relaxed);
}

std::uint64_t ns_to_ticks(std::int64_t ns) noexcept {
  return static_cast<std::uint64_t>(static_cast<double>(ns) / ns_per_tick());
}

std::int64_t ticks_to_monotonic_ns(std::uint64_t t) noexcept {
  const double rate = ns_per_tick();
  const calibration& c = state();
  return c.base_ns + static_cast<std::int64_t>(
                         static_cast<double>(static_cast<std::int64_t>(t - c.base_ticks)) * rate);
}

}  // namespace coroscope::detail
