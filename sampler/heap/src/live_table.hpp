// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace coroscope::heap::detail {

/// A sampled allocation that is still live.
struct live_record {
  std::uintptr_t address = 0;
  std::uint64_t size = 0;
  double weight = 1.0;        ///< allocations this sample stands for
  std::uint64_t time_ns = 0;  ///< CLOCK_REALTIME at allocation
  std::uint32_t site = 0;     ///< index into the site table
  std::int32_t worker = -1;
  std::uint64_t task_id = 0;
  bool has_trace = false;
  std::uint8_t trace_id[16] = {};
  std::uint8_t span_id[8] = {};
};

/// The live sampled allocations, keyed by address: a bounded open-addressing table that
/// any thread inserts into (malloc) and removes from (free) without a lock, and that one
/// consumer at a time scans while they do.
///
/// Each slot carries a state word (version << 2 | tag) that doubles as a seqlock: a writer
/// claims a slot by CAS to `busy` (bumping the version), writes the fields, then publishes
/// `live` or `tombstone` with release; the reader keeps a record only if the state word did
/// not change while it copied the fields. Slots never return to `empty`, so a lookup stops
/// at the first empty slot. Probing is bounded (`kMaxProbe`): a full neighbourhood drops
/// the sample (counted by the caller).
///
/// In front of the table sits a counting filter (one counter per group of addresses):
/// `free` of an address whose counter is zero, the common case, costs one load.
///
/// Memory comes from mmap and is never returned (see `create`).
class live_table {
 public:
  static constexpr std::size_t kMaxProbe = 32;
  static constexpr std::size_t kFilterSize = 1u << 14;

  /// A table of at least `capacity` slots (a power of two), mmap'ed; nullptr on failure.
  /// Never destroyed: a racing free may probe it at any time.
  static live_table* create(std::size_t capacity) noexcept;

  /// Tracks `record`. False when its neighbourhood is full.
  bool insert(const live_record& record) noexcept;
  /// Stops tracking `address`; copies its record to `out` when found.
  bool remove(std::uintptr_t address, live_record* out) noexcept;
  /// True when `address` may be tracked (false: certainly not). One relaxed load.
  bool may_contain(std::uintptr_t address) const noexcept {
    return filter_[filter_index(address)].load(std::memory_order_relaxed) != 0;
  }

  /// Calls `visit(const live_record&)` for every record that was live and stable while it
  /// was copied.
  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (std::size_t i = 0; i < capacity_; ++i) {
      live_record r;
      if (read(i, r)) visit(r);
    }
  }

  std::size_t capacity() const noexcept { return capacity_; }

 private:
  struct slot {
    std::atomic<std::uint64_t> state;
    std::atomic<std::uint64_t> address;
    std::atomic<std::uint64_t> size;
    std::atomic<std::uint64_t> weight_bits;
    std::atomic<std::uint64_t> time_ns;
    std::atomic<std::uint64_t> task_id;
    std::atomic<std::uint64_t> site_worker;  ///< site << 32 | uint32(worker)
    std::atomic<std::uint64_t> trace_hi, trace_lo, span;  ///< has_trace: a non-zero trace id
  };

  live_table(std::size_t capacity, slot* slots) noexcept : capacity_(capacity), slots_(slots) {}

  static std::uint64_t hash(std::uintptr_t address) noexcept {
    return (static_cast<std::uint64_t>(address) >> 4) * 0x9E3779B97F4A7C15ULL;
  }
  std::size_t home(std::uintptr_t address) const noexcept {
    return static_cast<std::size_t>(hash(address) >> 20) & (capacity_ - 1);
  }
  static std::size_t filter_index(std::uintptr_t address) noexcept {
    return static_cast<std::size_t>(hash(address) >> 50) & (kFilterSize - 1);
  }
  bool read(std::size_t index, live_record& out) const noexcept;
  static void write_fields(slot& s, const live_record& r) noexcept;
  static void read_fields(const slot& s, live_record& r) noexcept;

  std::size_t capacity_;
  slot* slots_;
  std::atomic<std::uint32_t> filter_[kFilterSize] = {};
};

}  // namespace coroscope::heap::detail
