// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <cstdint>

#include "coroscope/snapshot.hpp"

namespace coroscope::detail {

/// `now - start` of a process-wide counter noted when a probe started; 0 when it went
/// back (a fork child restarts its rings' and sampler's counts from 0).
inline std::uint64_t count_since(std::uint64_t now, std::uint64_t start) noexcept {
  return now > start ? now - start : 0;
}

/// What the aggregator knows for snapshot::self (read under the collector's lock).
struct self_cost_inputs {
  std::uint64_t polls = 0;
  std::uint64_t events = 0;
  std::uint64_t table_bytes = 0;  ///< the aggregator's; the task pool is added here
  std::uint64_t recorder_bytes = 0;  ///< the flight recorder's window (0: off)
  std::uint64_t recorder_lost_events = 0;
  std::uint64_t recorder_lost_samples = 0;
};

/// Measures a probe's own cost (snapshot::self). Made with the probe: it notes the
/// process-wide CPU counters then, so a probe counts only the time since it started.
/// `measure` may run on any thread; it reads counters, thread CPU clocks and sizes.
class self_cost_meter {
 public:
  self_cost_meter();
  self_cost measure(const self_cost_inputs& in) const;

 private:
  std::uint64_t collector_cpu_at_start_;
  std::uint64_t samples_at_start_;    // CPU samples the sampler had taken
  std::uint64_t drain_cpu_at_start_;  // CPU of the sample drain thread
  std::chrono::steady_clock::time_point started_;
};

/// The hot path's cost of writing one event (two clock reads, the record, the ring push),
/// timed once per process on a scratch ring.
std::chrono::nanoseconds calibrated_event_cost();

}  // namespace coroscope::detail
