// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "coroscope/detail/event.hpp"

namespace coroscope::detail {

/// Single-writer, single-reader ring of events. The writer is the thread that owns the
/// ring (it never blocks, allocates or locks: a full ring drops the event and counts the
/// drop); the reader is whoever holds the collector's lock. Capacity is a power of two.
///
///   head_ (writer) ──► [ e e e e . . . . ] ◄── tail_ (reader)
///   free slots = capacity - (head - tail)
class event_ring {
 public:
  explicit event_ring(std::size_t capacity_pow2);

  /// Writer side. Returns false (and counts a drop) when the ring is full.
  bool push(const event& e) noexcept {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    if (head - cached_tail_ >= capacity_) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (head - cached_tail_ >= capacity_) {
        dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return false;
      }
    }
    slots_[head & mask_] = e;
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  /// Reader side: calls `fn(const event&)` for every pending event, oldest first.
  template <typename Fn>
  std::size_t drain(Fn&& fn) {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t head = head_.load(std::memory_order_acquire);
    for (std::uint64_t i = tail; i != head; ++i) fn(slots_[i & mask_]);
    tail_.store(head, std::memory_order_release);
    return static_cast<std::size_t>(head - tail);
  }

  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t size() const noexcept {
    return static_cast<std::size_t>(head_.load(std::memory_order_acquire) -
                                    tail_.load(std::memory_order_acquire));
  }
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

 private:
  const std::size_t capacity_;
  const std::size_t mask_;
  std::unique_ptr<event[]> slots_;
  alignas(64) std::atomic<std::uint64_t> head_{0};
  std::uint64_t cached_tail_ = 0;  // writer's copy of tail_, refreshed when the ring looks full
  std::atomic<std::uint64_t> dropped_{0};
  alignas(64) std::atomic<std::uint64_t> tail_{0};
};

}  // namespace coroscope::detail
