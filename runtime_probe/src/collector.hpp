// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "coroscope/detail/event_ring.hpp"

namespace coroscope::detail {

class aggregator;

/// A thread's ring, owned here so it can outlive its thread until drained.
struct ring_entry {
  explicit ring_entry(std::size_t capacity) : ring(capacity) {}
  event_ring ring;
  std::atomic<bool> orphaned{false};  ///< the thread has exited; free after the next drain
};

/// The one process-wide consumer of all event rings. Its thread starts with the first
/// probe and lives as long as the process (idle while no probe exists), so probes created
/// and destroyed concurrently never race to stop and restart it. `snapshot()` callers
/// drain synchronously under the same lock so that a snapshot contains every event
/// recorded before it was asked for.
///
/// Locks: `mutex_` serialises drains and the aggregators (it is the rings' single reader);
/// `rings_mutex_` guards only the ring list and is taken once per new thread.
///
/// Task records go back to the pool through the aggregator, once it has heard that the
/// task ended and retained it for a while. A completion event dropped by a full ring is
/// replaced by the record itself, queued in the pool's unreported list, which every drain
/// takes: so each record is released, and the pool stays bounded, however many events
/// are lost.
class collector {
 public:
  static collector& instance();

  static constexpr std::size_t kRingCapacity = 16384;  // events per thread (768 KiB)

  ring_entry* register_ring();
  void add_probe(std::uint16_t id, aggregator* agg);
  /// Drains what is pending into `agg`, then forgets it.
  void remove_probe(std::uint16_t id);

  /// Runs `fn()` holding the drain lock after a full drain.
  template <typename Fn>
  auto with_drained(Fn&& fn) {
    std::lock_guard lock(mutex_);
    drain_locked();
    return fn();
  }

  std::uint64_t dropped_events() const noexcept;
  void count_lost() noexcept { lost_.fetch_add(1, std::memory_order_relaxed); }

 private:
  collector() = default;
  void thread_main();
  std::size_t drain_locked();
  /// Hands the ends of tasks whose completion events were dropped to their aggregators.
  void take_unreported_locked();

  mutable std::mutex mutex_;
  std::map<std::uint16_t, aggregator*> probes_;

  mutable std::mutex rings_mutex_;
  std::vector<std::unique_ptr<ring_entry>> rings_;
  std::atomic<std::uint64_t> retired_drops_{0};
  std::atomic<std::uint64_t> lost_{0};

  std::atomic<int> probe_count_{0};
  std::mutex thread_mutex_;
  std::condition_variable wake_;
  std::thread thread_;  // never joined: the collector object is never destroyed
};

}  // namespace coroscope::detail
