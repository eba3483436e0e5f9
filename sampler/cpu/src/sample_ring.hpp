// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

#include "coroscope/sampler.hpp"

namespace coroscope::sampling::detail {

/// Single-writer, single-reader ring of raw samples. The writer is the SIGPROF handler on
/// the thread that owns the ring: it reserves a slot, fills it in place (no second copy
/// of the ~900-byte record) and publishes it; a full ring makes `reserve` fail and the
/// handler counts the drop. The reader is the one thread inside `drain` (the registry
/// mutex makes sure of that). Capacity is a power of two.
///
///   head_ (writer) ──► [ s s s s . . . . ] ◄── tail_ (reader)
///   free slots = capacity - (head - tail)
class sample_ring {
 public:
  /// Rounds `capacity` up to a power of two (at least 1). Throws std::bad_alloc.
  explicit sample_ring(std::size_t capacity)
      : capacity_(round_up(capacity)), mask_(capacity_ - 1),
        slots_(new raw_sample[capacity_]) {}

  /// Writer: the slot to fill, or nullptr when the ring is full. Async-signal-safe.
  raw_sample* reserve() noexcept {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_.load(std::memory_order_acquire) >= capacity_) return nullptr;
    return &slots_[head & mask_];
  }
  /// Writer: makes the slot returned by the last `reserve` visible to the reader.
  void publish() noexcept {
    head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

  /// Reader: calls `fn(const raw_sample&)` for every published sample, oldest first.
  template <typename Fn>
  std::size_t drain(Fn&& fn) {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t head = head_.load(std::memory_order_acquire);
    for (std::uint64_t i = tail; i != head; ++i) fn(slots_[i & mask_]);
    tail_.store(head, std::memory_order_release);
    return static_cast<std::size_t>(head - tail);
  }

  /// Drops everything (only when no writer can run, e.g. in a fork child).
  void clear() noexcept { tail_.store(head_.load(std::memory_order_relaxed), std::memory_order_relaxed); }

  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t size() const noexcept {
    return static_cast<std::size_t>(head_.load(std::memory_order_acquire) -
                                    tail_.load(std::memory_order_acquire));
  }

 private:
  static std::size_t round_up(std::size_t n) {
    std::size_t c = 1;
    while (c < n) c <<= 1;
    return c;
  }

  const std::size_t capacity_;
  const std::size_t mask_;
  std::unique_ptr<raw_sample[]> slots_;
  alignas(64) std::atomic<std::uint64_t> head_{0};
  alignas(64) std::atomic<std::uint64_t> tail_{0};
};

}  // namespace coroscope::sampling::detail
