// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <vector>

#include "coroscope/sampler.hpp"

namespace coroscope::detail {

/// The CPU samples the flight recorder's window shows (issue 16): the most recent ones,
/// unsymbolized, bounded by count, by the longest window of the recorders that keep it and
/// by the smallest byte share they give it (recorder_sample_bytes).
/// Filled by the CPU windows' drain thread from the samples it drains anyway (every 50 ms,
/// never in the signal handler nor on a worker); read when a window is taken. Its own
/// mutex, never the collector's: the drain thread and the collector do not wait on each
/// other. Records nothing while no recorder keeps it.
class recent_samples {
 public:
  /// About 0.3 KiB a sample at 30 frames: 8192 hold 30 s of 99 Hz on three busy workers.
  static constexpr std::size_t kDefaultMaxSamples = 8192;

  /// A sample as kept: its time converted to CLOCK_MONOTONIC, its pcs native then async.
  struct kept {
    std::uint64_t time_ns = 0;  ///< CLOCK_MONOTONIC
    std::uint64_t task_id = 0;
    std::int32_t tid = 0;
    std::int32_t worker = -1;
    std::uint16_t depth = 0;  ///< native pcs first in `pcs`, then the async ones
    std::vector<std::uintptr_t> pcs;
  };

  explicit recent_samples(std::size_t max_samples = kDefaultMaxSamples) : max_samples_(max_samples) {}

  static constexpr std::size_t kNoByteBound = SIZE_MAX;

  /// A recorder that keeps the last `window` (0: bounded by count only) in at most
  /// `max_bytes` of samples starts or stops keeping them. Each `keep` is undone by one
  /// `release` with the same bounds.
  void keep(std::chrono::nanoseconds window, std::size_t max_bytes = kNoByteBound);
  void release(std::chrono::nanoseconds window, std::size_t max_bytes = kNoByteBound);
  bool on() const;

  /// Keeps the workers' samples of `batch` (CLOCK_REALTIME timestamps): each time is moved to CLOCK_MONOTONIC
  /// with one offset between the clocks read now, so a clock step between a sample and
  /// its drain (at most the drain interval) shifts it. Then evicts by time, then by count
  /// and bytes.
  void add(std::span<const sampling::raw_sample> batch);
  /// The same with the clocks given (`now_ns` CLOCK_MONOTONIC, `realtime_minus_monotonic_ns`
  /// the offset between the clocks): what `add` calls, and what tests call.
  void add(std::span<const sampling::raw_sample> batch, std::uint64_t now_ns,
           std::int64_t realtime_minus_monotonic_ns);

  /// Copies of the kept samples taken at or after `since_ns` (CLOCK_MONOTONIC), oldest
  /// first.
  std::vector<kept> since(std::uint64_t since_ns) const;
  /// Samples evicted by the count or byte bound while still inside the time bound: lost to
  /// the window. (Evicted by time is not lost.)
  std::uint64_t lost() const;
  std::size_t size() const;
  /// Memory the kept samples hold, about.
  std::size_t bytes() const;

 private:
  static std::size_t cost(const kept& k) noexcept { return sizeof(kept) + k.pcs.capacity() * sizeof(std::uintptr_t); }
  void pop_front_locked();
  std::chrono::nanoseconds longest_window_locked() const;  // 0: no time bound
  std::size_t smallest_bytes_locked() const;

  struct holder {
    std::chrono::nanoseconds window;
    std::size_t max_bytes;
    bool operator==(const holder&) const = default;
  };

  const std::size_t max_samples_;
  mutable std::mutex mutex_;
  std::vector<holder> holders_;  // one per recorder keeping samples
  std::deque<kept> samples_;
  std::size_t bytes_ = 0;
  std::uint64_t lost_ = 0;
};

/// The part of a recorder's byte bound its CPU samples may hold; its events hold the rest,
/// so events and samples together stay within the bound.
constexpr std::size_t recorder_sample_bytes(std::size_t recorder_bytes) noexcept { return recorder_bytes / 4; }

/// The process's store: the sampler and its drain thread are process-wide, so is this.
/// Leaked, like the drain thread's state.
recent_samples& recent_cpu_samples();

}  // namespace coroscope::detail
