// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "coroscope/detail/event_ring.hpp"
#include "coroscope/detail/site_counts.hpp"

namespace coroscope::detail {

/// A thread's ring and await counts, owned by the registry so they outlive the thread
/// until drained.
struct ring_entry {
  explicit ring_entry(std::size_t capacity) : ring(capacity) {}
  event_ring ring;
  site_counts sites;
  std::atomic<bool> orphaned{false};  ///< the thread has exited; free after the next drain
};

/// Every thread's ring, process-wide. Threads add theirs on their first event (one lock);
/// the collector, the rings' single reader, lists and retires them.
class ring_registry {
 public:
  static ring_registry& instance();

  static constexpr std::size_t kRingCapacity = 16384;  // events per thread (768 KiB)

  ring_entry* add() noexcept;
  /// The rings now (the collector drains them without holding the registry's lock).
  std::vector<ring_entry*> list() const;
  /// Frees a drained, orphaned ring (its drops stay counted).
  void retire(ring_entry* entry);
  /// Events dropped by full rings, and lost by exiting threads, process-wide.
  std::uint64_t dropped() const noexcept;
  /// Memory the rings hold now (slots and await tables of every ring not yet retired).
  std::uint64_t bytes() const;
  void count_lost() noexcept { lost_.fetch_add(1, std::memory_order_relaxed); }

 private:
  ring_registry() = default;

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<ring_entry>> rings_;
  std::atomic<std::uint64_t> retired_drops_{0};
  std::atomic<std::uint64_t> lost_{0};
};

}  // namespace coroscope::detail
