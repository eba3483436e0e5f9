// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace coroscope::heap::detail {

/// Maximum frames kept per sampled allocation.
inline constexpr std::size_t kMaxHeapFrames = 64;
/// Task names are kept truncated to this (as the CPU sampler's context).
inline constexpr std::size_t kTaskNameBytes = 48;

/// Allocation sites: a stack plus the task name that allocated there, interned into a
/// bounded open-addressing table, each with its running allocation totals.
///
/// Writers are the allocating threads (lock-free: a site is claimed by CAS, filled, then
/// published with release and never changed again, except its atomic totals); the reader
/// is the profile builder. Index 0 is the catch-all `[site table full]` site.
class site_table {
 public:
  static constexpr std::size_t kMaxProbe = 64;
  static constexpr std::uint32_t kOverflowSite = 0;

  struct site {
    std::atomic<std::uint32_t> state;  ///< 0 empty, 1 being written, 2 published
    std::uint32_t depth;
    std::uint64_t hash;
    std::uintptr_t pcs[kMaxHeapFrames];
    char task_name[kTaskNameBytes];
    std::atomic<double> alloc_objects;  ///< sum of weights
    std::atomic<double> alloc_space;    ///< sum of size x weight
  };

  /// A table of at least `capacity` sites (a power of two), mmap'ed; nullptr on failure.
  static site_table* create(std::size_t capacity) noexcept;

  /// The index of the site (pcs, task name), interned if new; `kOverflowSite` when the
  /// table is full around its hash. `task_name` is NUL-terminated within kTaskNameBytes.
  std::uint32_t intern(const std::uintptr_t* pcs, std::size_t depth, const char* task_name) noexcept;

  /// Adds one sampled allocation to site `index`'s totals.
  void add_allocation(std::uint32_t index, double weight, double bytes) noexcept {
    sites_[index].alloc_objects.fetch_add(weight, std::memory_order_relaxed);
    sites_[index].alloc_space.fetch_add(bytes, std::memory_order_relaxed);
  }

  /// The site at `index` when it is published, else nullptr. Its pcs, depth and name
  /// never change once published.
  const site* published(std::uint32_t index) const noexcept {
    const site& s = sites_[index];
    return s.state.load(std::memory_order_acquire) == 2 ? &s : nullptr;
  }

  std::size_t capacity() const noexcept { return capacity_; }

 private:
  site_table(std::size_t capacity, site* sites) noexcept : capacity_(capacity), sites_(sites) {}

  std::size_t capacity_;
  site* sites_;
};

}  // namespace coroscope::heap::detail
