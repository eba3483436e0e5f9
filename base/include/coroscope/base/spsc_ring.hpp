// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace coroscope::base {

/// Single-writer, single-reader ring of fixed-size records: the probe's per-thread event
/// rings and the CPU sampler's per-thread sample rings. The writer is the thread that owns
/// the ring, in a hook or a signal handler: it never blocks, allocates or locks, and a full
/// ring refuses the record and counts the drop. The reader is one thread at a time (the
/// owner of the ring makes sure of that). Capacity is a power of two.
///
///   head_ (writer) ──► [ r r r r . . . . ] ◄── tail_ (reader)
///   free slots = capacity - (head - tail)
template <typename T>
class spsc_ring {
 public:
  /// Rounds `capacity` up to a power of two (at least 1): `capacity_for`. Throws
  /// std::bad_alloc.
  explicit spsc_ring(std::size_t capacity)
      : capacity_(capacity_for(capacity)), mask_(capacity_ - 1), slots_(new T[capacity_]) {}

  /// The records a ring made for `n` holds.
  static std::size_t capacity_for(std::size_t n) noexcept {
    std::size_t c = 1;
    while (c < n) c <<= 1;
    return c;
  }

  /// Writer: copies `record` in. False (and a counted drop) when the ring is full.
  bool push(const T& record) noexcept {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    if (full(head)) return false;
    slots_[head & mask_] = record;
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  /// Writer: the slot to fill in place (no second copy of a large record), published by
  /// `publish`; nullptr (and a counted drop) when the ring is full. Async-signal-safe.
  T* reserve() noexcept {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    return full(head) ? nullptr : &slots_[head & mask_];
  }
  /// Writer: makes the slot returned by the last `reserve` visible to the reader.
  void publish() noexcept {
    head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

  /// Reader: calls `fn(const T&)` for every published record, oldest first.
  template <typename Fn>
  std::size_t drain(Fn&& fn) {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t head = head_.load(std::memory_order_acquire);
    for (std::uint64_t i = tail; i != head; ++i) fn(slots_[i & mask_]);
    tail_.store(head, std::memory_order_release);
    return static_cast<std::size_t>(head - tail);
  }

  /// Drops everything and forgets the drop count (only when no writer can run, e.g. in a
  /// fork child, whose ring starts afresh).
  void clear() noexcept {
    tail_.store(head_.load(std::memory_order_relaxed), std::memory_order_relaxed);
    dropped_.store(0, std::memory_order_relaxed);
  }

  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t size() const noexcept {
    return static_cast<std::size_t>(head_.load(std::memory_order_acquire) -
                                    tail_.load(std::memory_order_acquire));
  }
  /// Records refused because the ring was full.
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

 private:
  // Reads the reader's tail only when the ring looks full from the writer's last copy of
  // it: the writer does not touch the reader's cache line on every record.
  bool full(std::uint64_t head) noexcept {
    if (head - cached_tail_ < capacity_) return false;
    cached_tail_ = tail_.load(std::memory_order_acquire);
    if (head - cached_tail_ < capacity_) return false;
    dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return true;
  }

  const std::size_t capacity_;
  const std::size_t mask_;
  std::unique_ptr<T[]> slots_;
  alignas(64) std::atomic<std::uint64_t> head_{0};
  std::uint64_t cached_tail_ = 0;  // the writer's copy of tail_
  std::atomic<std::uint64_t> dropped_{0};
  alignas(64) std::atomic<std::uint64_t> tail_{0};
};

}  // namespace coroscope::base
