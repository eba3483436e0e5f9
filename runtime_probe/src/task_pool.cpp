// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <new>

#include "coroscope/detail/task_record.hpp"

namespace coroscope::detail::task_pool {
namespace {

constexpr std::uint32_t kSlabBits = 10;
constexpr std::uint32_t kSlabSize = 1u << kSlabBits;
constexpr std::uint32_t kMaxSlabs = 4096;

struct pool {
  std::array<std::atomic<task_record*>, kMaxSlabs> slabs{};
  std::atomic<std::uint32_t> next_unused{0};
  // Treiber stack of free slots: high 32 bits an ABA tag, low 32 bits slot + 1 (0: empty).
  std::atomic<std::uint64_t> free_head{0};
  std::atomic<std::size_t> in_use{0};
  // Unreported completions: many pushers, one taker that takes the whole list at once
  // (never pops a single node), so a plain slot + 1 head has no ABA problem.
  std::atomic<std::uint32_t> unreported_head{0};
  std::mutex slab_mutex;  // taken once per 1024 new slots, never on recycle
};

pool& the_pool() {
  static pool* p = new pool;  // leaked on purpose: executors may outlive static destruction
  return *p;
}

task_record* slab_for(std::uint32_t slot) {
  pool& p = the_pool();
  const std::uint32_t index = slot >> kSlabBits;
  task_record* slab = p.slabs[index].load(std::memory_order_acquire);
  if (slab) return slab;
  std::lock_guard lock(p.slab_mutex);
  slab = p.slabs[index].load(std::memory_order_relaxed);
  if (!slab) {
    slab = new (std::nothrow) task_record[kSlabSize];
    p.slabs[index].store(slab, std::memory_order_release);
  }
  return slab;
}

bool pop_free(std::uint32_t* slot) {
  pool& p = the_pool();
  std::uint64_t head = p.free_head.load(std::memory_order_acquire);
  while (static_cast<std::uint32_t>(head) != 0) {
    const std::uint32_t top = static_cast<std::uint32_t>(head) - 1;
    const std::uint64_t next_link = at(top).next_free.load(std::memory_order_relaxed);
    const std::uint64_t next = ((head >> 32) + 1) << 32 | next_link;
    if (p.free_head.compare_exchange_weak(head, next, std::memory_order_acq_rel)) {
      *slot = top;
      return true;
    }
  }
  return false;
}

}  // namespace

task_record& at(std::uint32_t slot) noexcept {
  return the_pool().slabs[slot >> kSlabBits].load(std::memory_order_acquire)[slot & (kSlabSize - 1)];
}

task_record* acquire(std::uint16_t probe, std::string_view name, const code_site& where,
                     std::uint32_t* slot_out) noexcept {
  static std::atomic<std::uint64_t> next_id{1};
  pool& p = the_pool();
  std::uint32_t slot;
  if (!pop_free(&slot)) {
    slot = p.next_unused.fetch_add(1, std::memory_order_relaxed);
    if (slot >= kMaxSlabs * kSlabSize || !slab_for(slot)) return nullptr;
  }
  task_record& t = at(slot);
  t.probe = probe;
  t.slot = slot;
  t.current_poll_high = std::uint64_t{slot + 1} << kCurrentPollSlotShift;
  t.id = next_id.fetch_add(1, std::memory_order_relaxed);
  t.parent_id = 0;
  t.parent = nullptr;
  t.forwards = false;
  t.failed = false;
  t.root.store(nullptr, std::memory_order_relaxed);
  t.end_hook = {};
  for (auto* counter : {&t.polls, &t.poll_begins, &t.ended_begins, &t.self_wakes,
                        &t.migrations, &t.last_poll_end, &t.wake_mark, &t.awaiting_since})
    counter->store(0, std::memory_order_relaxed);
  for (auto& count : t.ops) count.store(0, std::memory_order_relaxed);
  t.last_worker.store(-1, std::memory_order_relaxed);
  t.entry_fn.store(0, std::memory_order_relaxed);
  t.awaiting.store(nullptr, std::memory_order_relaxed);
  std::fill(std::begin(t.spawn_pcs), std::end(t.spawn_pcs), 0);
  t.spawn_file = where.file ? where.file : "";
  t.spawn_function = where.function ? where.function : "";
  t.spawn_line = where.line;
  t.unreported.store(false, std::memory_order_relaxed);
  t.has_trace = false;
  t.store_name(name);
  t.state.store(record_state::created, std::memory_order_release);
  p.in_use.fetch_add(1, std::memory_order_relaxed);
  *slot_out = slot;
  return &t;
}

void release(std::uint32_t slot) noexcept {
  pool& p = the_pool();
  task_record& t = at(slot);
  if (t.state.exchange(record_state::free, std::memory_order_acq_rel) == record_state::free)
    return;  // already released: never push a slot twice
  t.generation.fetch_add(1, std::memory_order_acq_rel);
  std::uint64_t head = p.free_head.load(std::memory_order_relaxed);
  std::uint64_t next;
  do {
    t.next_free.store(static_cast<std::uint32_t>(head), std::memory_order_relaxed);
    next = ((head >> 32) + 1) << 32 | (slot + 1);
  } while (!p.free_head.compare_exchange_weak(head, next, std::memory_order_acq_rel));
  p.in_use.fetch_sub(1, std::memory_order_relaxed);
}

void push_unreported(task_record& t) noexcept {
  pool& p = the_pool();
  t.unreported.store(true, std::memory_order_relaxed);
  std::uint32_t head = p.unreported_head.load(std::memory_order_relaxed);
  do {
    t.next_unreported.store(head, std::memory_order_relaxed);
  } while (!p.unreported_head.compare_exchange_weak(head, t.slot + 1, std::memory_order_release,
                                                    std::memory_order_relaxed));
}

task_record* take_unreported() noexcept {
  const std::uint32_t head = the_pool().unreported_head.exchange(0, std::memory_order_acquire);
  return head ? &at(head - 1) : nullptr;
}

task_record* next_unreported(const task_record& t) noexcept {
  const std::uint32_t next = t.next_unreported.load(std::memory_order_relaxed);
  return next ? &at(next - 1) : nullptr;
}

std::size_t in_use() noexcept { return the_pool().in_use.load(std::memory_order_relaxed); }

std::size_t capacity() noexcept {
  return std::min<std::size_t>(the_pool().next_unused.load(std::memory_order_relaxed),
                               std::size_t{kMaxSlabs} * kSlabSize);
}

}  // namespace coroscope::detail::task_pool
