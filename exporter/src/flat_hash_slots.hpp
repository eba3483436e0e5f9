// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace coroscope::detail {

/// An open-addressing hash table of (hash, value) slots for the encoders' per-frame and
/// per-sample lookups: one array, linear probing, no node per entry, so a lookup costs one
/// cache miss where `std::unordered_map` costs a bucket and a node. The caller hashes and
/// says what equal means; equal hashes with different values may coexist.
///
/// `Value` is small and trivially copyable (an id, a pointer). The table keeps at most
/// half its slots full; it never shrinks.
template <typename Value>
class flat_hash_slots {
 public:
  /// Room for `count` entries without growing.
  void reserve(std::size_t count) {
    if (2 * count > slots_.size()) rehash(std::bit_ceil(2 * count));
  }

  /// The value of an entry with `hash` for which `equal(value)` holds, or null. The pointer
  /// is valid until the next `insert`.
  template <typename Equal>
  Value* find(std::uint64_t hash, Equal&& equal) {
    if (slots_.empty()) return nullptr;
    hash = stored_hash(hash);
    for (std::size_t i = home(hash);; i = (i + 1) & mask_) {
      slot& s = slots_[i];
      if (s.hash == 0) return nullptr;
      if (s.hash == hash && equal(s.value)) return &s.value;
    }
  }

  /// Asks the cache for the slot where a `find(hash, ...)` starts, so that a find issued a
  /// little later does not wait for memory.
  void prefetch(std::uint64_t hash) const noexcept {
    if (!slots_.empty()) __builtin_prefetch(&slots_[home(stored_hash(hash))]);
  }

  /// Adds an entry; does not look for an equal one first.
  void insert(std::uint64_t hash, Value value) {
    if (2 * (size_ + 1) > slots_.size()) rehash(slots_.empty() ? 64 : 2 * slots_.size());
    place(stored_hash(hash), value);
    ++size_;
  }

  /// Number of entries.
  std::size_t size() const noexcept { return size_; }

 private:
  struct slot {
    std::uint64_t hash = 0;  // 0: empty
    Value value{};
  };

  static std::uint64_t stored_hash(std::uint64_t hash) noexcept { return hash == 0 ? 1 : hash; }

  // Fibonacci hashing: the top bits of hash * 2^64/phi, so that sequential ids (the symbol
  // cache hands them out in order) spread over the table.
  std::size_t home(std::uint64_t hash) const noexcept {
    return static_cast<std::size_t>((hash * 0x9e3779b97f4a7c15ULL) >> shift_);
  }

  void place(std::uint64_t hash, Value value) {
    std::size_t i = home(hash);
    while (slots_[i].hash != 0) i = (i + 1) & mask_;
    slots_[i] = {hash, value};
  }

  void rehash(std::size_t capacity) {
    std::vector<slot> old(capacity);
    old.swap(slots_);
    mask_ = capacity - 1;
    shift_ = 64 - std::countr_zero(capacity);
    for (const slot& s : old)
      if (s.hash != 0) place(s.hash, s.value);
  }

  std::vector<slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
};

}  // namespace coroscope::detail
