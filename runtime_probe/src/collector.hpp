// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <atomic>
#include <condition_variable>
#include <ctime>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "aggregator.hpp"
#include "coroscope/detail/coarse_clock.hpp"
#include "ring_registry.hpp"

namespace coroscope::detail {

/// The one process-wide consumer of all event rings. Its thread starts with the first
/// probe and lives as long as the process (idle while no probe exists), so probes created
/// and destroyed concurrently never race to stop and restart it. While a probe exists it
/// also stamps the coarse clock (g_coarse_clock) every millisecond, and dozes for 100 ms
/// once every worker has stayed parked since its last stamp (a worker that unparks ends
/// the doze: coarse_clock::doze). `snapshot()` callers drain synchronously under
/// the same lock so that a snapshot contains every event recorded before it was asked for.
///
/// Locks: `mutex_` serialises drains and the aggregators (it is the rings' single reader);
/// the ring_registry's lock guards only the ring list.
///
/// Task records go back to the pool through the aggregator, once it has heard that the
/// task ended and retained it for a while. A completion event dropped by a full ring is
/// replaced by the record itself, queued in the pool's unreported list, which every drain
/// takes: so each record is released, and the pool stays bounded, however many events
/// are lost.
class task_naming;

class collector {
 public:
  static collector& instance();

  void add_probe(std::uint16_t id, aggregator* agg);
  /// Drains what is pending into `agg`, then forgets it.
  void remove_probe(std::uint16_t id);

  /// Runs `fn()` holding the drain lock after a full drain.
  template <typename Fn>
  auto with_drained(Fn&& fn) {
    // Locked first: the collector cannot begin a doze while the lock is held, so the
    // stamp this makes (when it ends a doze) is the one the ages are read from.
    std::lock_guard lock(mutex_);
    g_coarse_clock.wake_if_dozing();
    drain_locked();
    return fn();
  }
  /// The counts still in threads' await tables for probe `id` (hold the drain lock).
  live_site_counts live_sites_locked(std::uint16_t id) const;
  /// Names and spawn sites of tasks (hold the drain lock).
  task_naming& naming_locked() noexcept { return *naming_; }

  std::uint64_t dropped_events() const noexcept;
  /// CPU time the collector thread has used since it started, in ns (0 before it starts).
  /// Drains run by snapshot callers count on their threads, not here.
  std::uint64_t cpu_ns() const noexcept;

 private:
  collector();
  void thread_main();
  std::size_t drain_locked();
  /// Hands the ends of tasks whose completion events were dropped to their aggregators.
  void take_unreported_locked();
  /// Every worker of every probe is parked (hold `mutex_`); then `*parks` (if not null) is
  /// their parks so far, which moves when any of them unparks.
  bool workers_idle_locked(std::uint64_t* parks) const noexcept;
  /// The shortest collect interval of the probes (hold `mutex_`).
  std::chrono::nanoseconds quiet_interval_locked() const noexcept;

  mutable std::mutex mutex_;
  std::map<std::uint16_t, aggregator*> probes_;
  std::unique_ptr<task_naming> naming_;


  std::atomic<int> probe_count_{0};
  std::atomic<bool> has_cpu_clock_{false};
  clockid_t cpu_clock_{};  // the thread's, set once before has_cpu_clock_
  std::mutex thread_mutex_;
  std::condition_variable wake_;
  std::thread thread_;  // never joined: the collector object is never destroyed
};

}  // namespace coroscope::detail
