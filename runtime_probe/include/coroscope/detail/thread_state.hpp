// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <atomic>
#include <cstdint>

#include "coroscope/detail/event.hpp"
#include "coroscope/detail/event_ring.hpp"
#include "coroscope/detail/task_record.hpp"

namespace coroscope::detail {

/// Most workers one probe runs (`probe::run` clamps to it).
inline constexpr unsigned kMaxWorkers = 256;

/// What the collector may read about a worker while it runs: the poll in progress (0: none).
/// Written with relaxed stores by the worker itself, read by the collector.
struct alignas(64) worker_slot {
  std::atomic<std::uint64_t> poll_begin_tick{0};
  std::atomic<std::uint64_t> poll_task_id{0};
  std::atomic<std::uint32_t> poll_task_slot{0};
};

/// Per-thread state of the hot path. Plain data with a constant initializer in
/// initial-exec TLS, so every access is one %fs-relative load with no guard call.
struct thread_state {
  event_ring* ring = nullptr;          ///< created on the thread's first event
  task_record* current_task = nullptr; ///< task being polled on this thread (innermost)
  std::uint64_t current_poll_begin = 0;
  std::uint64_t nested_ticks = 0;      ///< time of inline polls nested in the current one
  std::uint64_t last_tick = 0;         ///< latest timestamp the probe took on this thread
  worker_slot* worker = nullptr;       ///< non-null on a probe's worker
  std::uint16_t probe = 0;             ///< probe id of the worker, 0 elsewhere
  std::int16_t worker_index = -1;
  std::uint32_t polls_since_unpark = 1;
  bool ring_closed = false;            ///< thread is exiting: events are dropped
};

extern thread_local thread_state t_state __attribute__((tls_model("initial-exec")));

/// Slow path: creates and registers this thread's ring (once per thread).
event_ring* create_thread_ring() noexcept;
/// Counts an event lost because the thread is exiting or memory ran out.
void count_lost_event() noexcept;

/// Appends an event to this thread's ring; never blocks, never allocates after the first
/// call on a thread. A full ring drops the event and counts it: then it returns false.
inline bool emit_event(const event& e) noexcept {
  event_ring* ring = t_state.ring;
  if (__builtin_expect(ring == nullptr, 0)) {
    ring = create_thread_ring();
    if (!ring) {
      count_lost_event();
      return false;
    }
  }
  return ring->push(e);
}

inline event make_task_event(event_kind kind, const task_record& t) noexcept {
  event e;
  e.kind = kind;
  e.flags = 0;
  e.probe = t.probe;
  e.worker = t_state.worker_index;
  e.reserved = 0;
  e.slot = t.slot;
  e.aux = 0;
  e.task_id = t.id;
  e.a = e.b = e.c = 0;
  return e;
}

}  // namespace coroscope::detail
