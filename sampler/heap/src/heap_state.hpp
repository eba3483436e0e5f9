// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "live_table.hpp"
#include "sampling_math.hpp"
#include "site_table.hpp"

#include <coroscope/sampler.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>

/// The state the allocation path reads: per-thread countdown (initial-exec TLS, plain
/// data, so reading it never allocates and works before main and during thread exit) and
/// the process-wide tables. Everything here is constant-initialized: no constructor runs
/// on the allocation path, whatever the static initialization order.
namespace coroscope::heap::detail {

struct thread_state {
  /// Bytes until the next sample; the allocation path subtracts and samples below zero.
  std::int64_t bytes_until_sample;
  std::uint64_t rng;  ///< 0 until seeded
  std::uintptr_t stack_low, stack_high;  ///< 0 until taken (first sample on the thread)
  std::uint32_t epoch;  ///< `g_epoch` the countdown was drawn for
  /// Set while this thread is inside the sampler (or a consumer function): allocations
  /// made meanwhile are forwarded without being sampled.
  bool busy;
};

extern __thread thread_state t_heap __attribute__((tls_model("initial-exec")));

/// The tables of the current run; never unmapped, so the free path may read them any time.
struct heap_tables {
  live_table* live;
  site_table* sites;
  std::uint64_t interval;
  std::uint64_t start_ns;
};

extern std::atomic<heap_tables*> g_tables;
extern std::atomic<bool> g_running;
/// Bumped by every start/stop: a thread redraws its countdown when its epoch is stale.
extern std::atomic<std::uint32_t> g_epoch;
extern std::atomic<sampling::context_hook> g_hook;
extern std::atomic<std::uint64_t> g_freed_sampled;

/// How far a thread counts down while sampling is off before it looks again.
inline constexpr std::int64_t kIdleRecheckBytes = 64 * 1024;

/// The allocation fast path: true when this allocation is to be sampled.
[[gnu::always_inline]] inline bool should_sample(std::size_t size) noexcept {
  thread_state& t = t_heap;
  t.bytes_until_sample -= countdown_bytes(size);
  return t.bytes_until_sample < 0;
}

/// The slow path for an allocation that crossed its countdown: redraws it and, while
/// running, records `address` with the stack walked from `frame` (the interposer's own
/// frame address, so the first pc is its caller).
void on_countdown_crossed(void* address, std::size_t size, void* frame) noexcept;

/// The free path: forgets `address` if it was sampled.
[[gnu::always_inline]] inline void on_free(void* address) noexcept {
  heap_tables* tables = g_tables.load(std::memory_order_acquire);
  if (tables == nullptr) return;
  const auto a = reinterpret_cast<std::uintptr_t>(address);
  if (!tables->live->may_contain(a)) return;
  if (tables->live->remove(a, nullptr)) g_freed_sampled.fetch_add(1, std::memory_order_relaxed);
}

/// Marks the calling thread busy while in scope: its allocations are not sampled.
class busy_scope {
 public:
  busy_scope() noexcept : was_(t_heap.busy) { t_heap.busy = true; }
  ~busy_scope() { t_heap.busy = was_; }
  busy_scope(const busy_scope&) = delete;
  busy_scope& operator=(const busy_scope&) = delete;

 private:
  bool was_;
};

/// Records one sampled allocation into the current tables (the part of the slow path after
/// the decision); exposed for tests, which feed it synthetic stacks.
void record_sample(std::uintptr_t address, std::size_t size, const std::uintptr_t* pcs,
                   std::size_t depth, std::uint64_t time_ns) noexcept;

}  // namespace coroscope::heap::detail
