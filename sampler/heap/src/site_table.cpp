// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "site_table.hpp"

#include <sys/mman.h>

#include <bit>
#include <cstring>
#include <new>

namespace coroscope::heap::detail {
namespace {

std::uint64_t mix(std::uint64_t h, std::uint64_t v) noexcept {
  h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  return h * 0xFF51AFD7ED558CCDULL;
}

bool same(const site_table::site& s, std::uint64_t hash, const std::uintptr_t* pcs,
          std::size_t depth, const char* name) noexcept {
  return s.hash == hash && s.depth == depth &&
         std::memcmp(s.pcs, pcs, depth * sizeof *pcs) == 0 &&
         std::strncmp(s.task_name, name, kTaskNameBytes) == 0;
}

}  // namespace

site_table* site_table::create(std::size_t capacity) noexcept {
  if (capacity < 64) capacity = 64;
  capacity = std::bit_ceil(capacity);
  const std::size_t bytes = sizeof(site_table) + capacity * sizeof(site);
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  auto* sites = reinterpret_cast<site*>(static_cast<char*>(memory) + sizeof(site_table));
  auto* table = new (memory) site_table(capacity, sites);
  // The overflow site: no stack, no task; published from the start.
  std::memcpy(sites[kOverflowSite].task_name, "", 1);
  sites[kOverflowSite].state.store(2, std::memory_order_release);
  return table;
}

std::uint32_t site_table::intern(const std::uintptr_t* pcs, std::size_t depth,
                                 const char* task_name) noexcept {
  if (depth > kMaxHeapFrames) depth = kMaxHeapFrames;
  std::uint64_t hash = mix(0x5173, depth);
  for (std::size_t i = 0; i < depth; ++i) hash = mix(hash, pcs[i]);
  for (std::size_t i = 0; i < kTaskNameBytes && task_name[i] != '\0'; ++i)
    hash = mix(hash, static_cast<unsigned char>(task_name[i]));
  const std::size_t mask = capacity_ - 1;
  for (std::size_t i = 0; i < kMaxProbe; ++i) {
    const std::size_t index = (static_cast<std::size_t>(hash >> 17) + i) & mask;
    if (index == kOverflowSite) continue;
    site& s = sites_[index];
    std::uint32_t state = s.state.load(std::memory_order_acquire);
    if (state == 0) {
      if (s.state.compare_exchange_strong(state, 1, std::memory_order_acquire)) {
        s.depth = static_cast<std::uint32_t>(depth);
        s.hash = hash;
        std::memcpy(s.pcs, pcs, depth * sizeof *pcs);
        std::size_t n = 0;
        for (; n + 1 < kTaskNameBytes && task_name[n] != '\0'; ++n) s.task_name[n] = task_name[n];
        s.task_name[n] = '\0';
        s.state.store(2, std::memory_order_release);
        return static_cast<std::uint32_t>(index);
      }
    }
    // Being written by another thread: wait briefly for it; if it takes long (the writer
    // was preempted) move on, at worst interning a duplicate the profile merges again.
    for (int spin = 0; state == 1 && spin < 256; ++spin)
      state = s.state.load(std::memory_order_acquire);
    if (state == 2 && same(s, hash, pcs, depth, task_name)) return static_cast<std::uint32_t>(index);
  }
  return kOverflowSite;
}

}  // namespace coroscope::heap::detail
