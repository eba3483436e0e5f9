// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>

namespace coroscope::detail {

/// What the rings carry. Counts live in the task records and worker slots; events are the
/// rare things (spawns, ends, lints) and the timing samples.
enum class event_kind : std::uint8_t {
  task_spawn,      ///< slot, task_id; a = parent task id, b = spawn tick
  task_complete,   ///< slot, task_id; a = end tick, aux = 1 if it ended with an exception
  poll_sample,     ///< slot, task_id (0: no task); a = wake tick (0: unknown), b = begin, c = end
  long_poll,       ///< slot, task_id (0: no task); an untimed poll that spanned coarse-clock
                   ///< stamps: a = shortest, b = longest it may have lasted (ticks), c = end
  await_sample,    ///< slot, task_id; a = await_site*, b = shortest, c = longest (ticks)
  site_count,      ///< a = await_site*, b = awaits counted on this thread since the last one
  op_start,        ///< slot, task_id (0: none); a = start tick, b = I/O object, c = native
                   ///< handle (or ~0), aux = op_kind: a sampled operation was started
  resource_closed, ///< c = native handle (a descriptor left the reactor)
  trace_context,   ///< slot, task_id; a,b = trace id (big-endian halves), c = span id
  worker_start,    ///< a = tick, b = CPU clock id, c = tid (CPU and run-queue reads)
  worker_stop,     ///< a = tick
  blocking_call,   ///< slot, task_id; a = begin tick, b = end tick (blocked inside a poll)
};

/// Bits of `event::flags`.
enum event_flag : std::uint8_t {
  flag_steal = 1u << 0,       ///< woken on worker A, polled on worker B
  flag_remote = 1u << 1,      ///< woken from a thread that is not a worker
  flag_self_wake = 1u << 2,   ///< the task's own continuation (e.g. co_await post)
  flag_migrated = 1u << 3,    ///< polled on another worker than the previous poll
  flag_nested = 1u << 4,      ///< ran inside another poll
  flag_first_poll = 1u << 6,  ///< poll: the task's first
};

/// One fixed-size record in a thread's event ring. 48 bytes; written only by its thread.
struct event {
  event_kind kind;
  std::uint8_t flags;
  std::uint16_t probe;      ///< probe id (1-based); 0: not attributed to a probe
  std::int16_t worker;      ///< worker index in the probe, -1 for other threads
  std::uint16_t reserved;
  std::uint32_t slot;       ///< task slot in the task pool
  std::uint32_t aux;
  std::uint64_t task_id;
  std::uint64_t a, b, c;
};
static_assert(sizeof(event) == 48);

/// A `site_count` event: `count` awaits at `site`, counted on one thread for `probe`.
inline event make_site_count_event(std::uint16_t probe, const void* site,
                                   std::uint64_t count) noexcept {
  event e{};
  e.kind = event_kind::site_count;
  e.probe = probe;
  e.a = reinterpret_cast<std::uint64_t>(site);
  e.b = count;
  return e;
}

}  // namespace coroscope::detail
