// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "ring_registry.hpp"

#include <algorithm>
#include <new>

namespace coroscope::detail {

ring_registry& ring_registry::instance() {
  static ring_registry* r = new ring_registry;  // leaked: threads may emit during exit
  return *r;
}

ring_entry* ring_registry::add() noexcept {
  auto entry = std::unique_ptr<ring_entry>(new (std::nothrow) ring_entry(kRingCapacity));
  if (!entry) return nullptr;
  std::lock_guard lock(mutex_);
  try {
    rings_.push_back(std::move(entry));
  } catch (...) {
    return nullptr;
  }
  return rings_.back().get();
}

std::vector<ring_entry*> ring_registry::list() const {
  std::lock_guard lock(mutex_);
  std::vector<ring_entry*> out;
  out.reserve(rings_.size());
  for (const auto& r : rings_) out.push_back(r.get());
  return out;
}

void ring_registry::retire(ring_entry* entry) {
  std::lock_guard lock(mutex_);
  retired_drops_.fetch_add(entry->ring.dropped(), std::memory_order_relaxed);
  std::erase_if(rings_, [entry](const auto& owned) { return owned.get() == entry; });
}

std::uint64_t ring_registry::dropped() const noexcept {
  std::uint64_t total = retired_drops_.load(std::memory_order_relaxed) +
                        lost_.load(std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  for (const auto& r : rings_) total += r->ring.dropped();
  return total;
}

std::uint64_t ring_registry::bytes() const {
  std::lock_guard lock(mutex_);
  std::uint64_t total = 0;
  for (const auto& r : rings_) total += sizeof(ring_entry) + r->ring.capacity() * sizeof(event);
  return total;
}

}  // namespace coroscope::detail
