// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "live_table.hpp"

#include <sys/mman.h>

#include <bit>
#include <cstring>
#include <new>

namespace coroscope::heap::detail {
namespace {

constexpr std::uint64_t kEmpty = 0, kBusy = 1, kLive = 2, kTombstone = 3;
constexpr std::uint64_t tag(std::uint64_t state) noexcept { return state & 3; }
constexpr std::uint64_t next(std::uint64_t state, std::uint64_t new_tag) noexcept {
  return ((state >> 2) + 1) << 2 | new_tag;
}

std::uint64_t load_be64(const std::uint8_t* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
  return v;
}
void store_be64(std::uint64_t v, std::uint8_t* p) noexcept {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<std::uint8_t>(v);
}

}  // namespace

live_table* live_table::create(std::size_t capacity) noexcept {
  if (capacity < 64) capacity = 64;
  capacity = std::bit_ceil(capacity);
  const std::size_t bytes = sizeof(live_table) + capacity * sizeof(slot);
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  // mmap'ed memory is zero: every slot is empty and every filter counter 0.
  auto* slots = reinterpret_cast<slot*>(static_cast<char*>(memory) + sizeof(live_table));
  return new (memory) live_table(capacity, slots);
}

void live_table::write_fields(slot& s, const live_record& r) noexcept {
  constexpr auto relaxed = std::memory_order_relaxed;
  s.address.store(r.address, relaxed);
  s.size.store(r.size, relaxed);
  s.weight_bits.store(std::bit_cast<std::uint64_t>(r.weight), relaxed);
  s.time_ns.store(r.time_ns, relaxed);
  s.task_id.store(r.task_id, relaxed);
  s.site_worker.store(static_cast<std::uint64_t>(r.site) << 32 | static_cast<std::uint32_t>(r.worker), relaxed);
  s.trace_hi.store(load_be64(r.trace_id), relaxed);
  s.trace_lo.store(load_be64(r.trace_id + 8), relaxed);
  s.span.store(load_be64(r.span_id), relaxed);
}

void live_table::read_fields(const slot& s, live_record& r) noexcept {
  constexpr auto relaxed = std::memory_order_relaxed;
  r.address = s.address.load(relaxed);
  r.size = s.size.load(relaxed);
  r.weight = std::bit_cast<double>(s.weight_bits.load(relaxed));
  r.time_ns = s.time_ns.load(relaxed);
  r.task_id = s.task_id.load(relaxed);
  const std::uint64_t site_worker = s.site_worker.load(relaxed);
  r.site = static_cast<std::uint32_t>(site_worker >> 32);
  r.worker = static_cast<std::int32_t>(static_cast<std::uint32_t>(site_worker));
  const std::uint64_t hi = s.trace_hi.load(relaxed), lo = s.trace_lo.load(relaxed);
  store_be64(hi, r.trace_id);
  store_be64(lo, r.trace_id + 8);
  store_be64(s.span.load(relaxed), r.span_id);
  r.has_trace = (hi | lo) != 0;
}

bool live_table::insert(const live_record& record) noexcept {
  const std::size_t start = home(record.address);
  for (std::size_t i = 0; i < kMaxProbe; ++i) {
    slot& s = slots_[(start + i) & (capacity_ - 1)];
    std::uint64_t state = s.state.load(std::memory_order_relaxed);
    if (tag(state) != kEmpty && tag(state) != kTombstone) continue;
    const std::uint64_t claimed = next(state, kBusy);
    if (!s.state.compare_exchange_strong(state, claimed, std::memory_order_acquire,
                                         std::memory_order_relaxed))
      continue;
    // Count first: a free that finds the record must find the filter counter raised.
    filter_[filter_index(record.address)].fetch_add(1, std::memory_order_relaxed);
    write_fields(s, record);
    s.state.store(next(claimed, kLive), std::memory_order_release);
    return true;
  }
  return false;
}

bool live_table::remove(std::uintptr_t address, live_record* out) noexcept {
  const std::size_t start = home(address);
  for (std::size_t i = 0; i < kMaxProbe; ++i) {
    slot& s = slots_[(start + i) & (capacity_ - 1)];
    std::uint64_t state = s.state.load(std::memory_order_acquire);
    if (tag(state) == kEmpty) return false;
    if (tag(state) != kLive || s.address.load(std::memory_order_relaxed) != address) continue;
    const std::uint64_t claimed = next(state, kBusy);
    if (!s.state.compare_exchange_strong(state, claimed, std::memory_order_acquire,
                                         std::memory_order_relaxed))
      continue;
    if (out != nullptr) read_fields(s, *out);
    s.state.store(next(claimed, kTombstone), std::memory_order_release);
    filter_[filter_index(address)].fetch_sub(1, std::memory_order_relaxed);
    return true;
  }
  return false;
}

bool live_table::read(std::size_t index, live_record& out) const noexcept {
  const slot& s = slots_[index];
  const std::uint64_t before = s.state.load(std::memory_order_acquire);
  if (tag(before) != kLive) return false;
  read_fields(s, out);
  std::atomic_thread_fence(std::memory_order_acquire);
  return s.state.load(std::memory_order_relaxed) == before;
}

}  // namespace coroscope::heap::detail
