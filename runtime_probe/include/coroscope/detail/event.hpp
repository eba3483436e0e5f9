// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>

namespace coroscope::detail {

/// What the rings carry. Counts live in the task records and worker slots; events are the
/// rare things (spawns, ends, lints) and the timing samples. Each kind has a constructor
/// (`make_..._event`) and a view of its fields (`event::as_...`), below: nothing else reads
/// or writes the generic fields `aux`, `a`, `b`, `c`.
enum class event_kind : std::uint8_t {
  task_spawn,       ///< a task started (spawn_fields)
  task_complete,    ///< a task ended (complete_fields)
  poll_sample,      ///< a timed poll (poll_fields); task_id 0: a handler outside any task
  long_poll,        ///< an untimed poll that spanned coarse-clock stamps (long_poll_fields)
  await_sample,     ///< a timed TIMED_AWAIT (await_fields)
  site_count,       ///< awaits of one site counted on one thread (site_count_fields)
  op_start,         ///< a sampled operation was started (op_start_fields)
  resource_closed,  ///< a descriptor left the reactor (resource_closed_fields)
  trace_context,    ///< a task's trace context was set (trace_fields)
  worker_start,     ///< a thread began running the io_context (worker_start_fields)
  worker_stop,      ///< ... and stopped (worker_stop_fields)
  blocking_call,    ///< a task blocked inside a poll (blocking_fields)
  park,             ///< a worker parked, only while a flight recorder is on (park_fields)
  wake,             ///< another task's code made the task runnable without running it (a
                    ///< channel send), only while a flight recorder is on (wake_fields)
  object_cancel,    ///< the task cancelled or closed an I/O object (a timer, a socket...)
                    ///< with waits on it, only while a flight recorder is on
                    ///< (object_cancel_fields)
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

/// Who records an event and which task it is about (task_id 0: none).
struct event_source {
  std::uint16_t probe = 0;  ///< probe id (1-based); 0: not attributed to a probe
  std::int16_t worker = -1;  ///< worker index in the probe, -1 for other threads
  std::uint32_t slot = 0;    ///< task slot in the task pool
  std::uint64_t task_id = 0;
};

/// The fields of each kind (ticks are `ticks()` values).
struct spawn_fields {
  std::uint64_t parent_id;  ///< 0: spawned outside any task
  std::uint64_t tick;
};
struct complete_fields {
  std::uint64_t tick;
  bool failed;  ///< ended with an exception
};
struct poll_fields {
  std::uint64_t wake_tick;  ///< when its operation was started (0: unknown)
  std::uint64_t begin, end;
  std::uint8_t op_kind;  ///< op_kind of the operation that woke it
};
struct long_poll_fields {
  std::uint64_t shortest, longest;  ///< how long it may have lasted (ticks; longest ~0: unknown)
  std::uint64_t end;
};
struct await_fields {
  const void* site;  ///< the await_site
  std::uint64_t shortest, longest;  ///< equal when timed exactly; longest ~0: unknown
};
struct site_count_fields {
  const void* site;
  std::uint64_t count;  ///< awaits counted on this thread since the last flush
};
struct op_start_fields {
  std::uint64_t tick;
  const void* object;          ///< the I/O object
  std::uint64_t native_handle;  ///< ~0: none
  std::uint8_t op_kind;
};
struct resource_closed_fields {
  std::uint64_t native_handle;
};
struct trace_fields {
  std::uint64_t trace_high, trace_low;  ///< trace id, big-endian halves
  std::uint64_t span_id;
};
struct worker_start_fields {
  std::uint64_t tick;
  std::uint64_t cpu_clock;  ///< the thread's CPU clock id
  std::uint64_t tid;
};
struct worker_stop_fields {
  std::uint64_t tick;
};
struct blocking_fields {
  std::uint64_t begin, end;
};
struct park_fields {
  std::uint64_t begin, end;
};
struct wake_fields {
  std::uint64_t tick;
  std::uint64_t waker_id;  ///< the task whose code woke it
};
struct object_cancel_fields {
  std::uint64_t tick;
  const void* object;  ///< the object's implementation (the object of its waits' op_start)
  bool all;            ///< cancel or close (every wait), not a timer's cancel_one
};

/// One fixed-size record in a thread's event ring. 48 bytes; written only by its thread.
struct event {
  event_kind kind;
  std::uint8_t flags;
  std::uint16_t probe;      ///< probe id (1-based); 0: not attributed to a probe
  std::int16_t worker;      ///< worker index in the probe, -1 for other threads
  std::uint16_t reserved;
  std::uint32_t slot;       ///< task slot in the task pool
  std::uint32_t aux;        ///< kind-specific (see the views below)
  std::uint64_t task_id;
  std::uint64_t a, b, c;    ///< kind-specific (see the views below)

  spawn_fields as_spawn() const noexcept { return {a, b}; }
  complete_fields as_complete() const noexcept { return {a, aux != 0}; }
  poll_fields as_poll() const noexcept { return {a, b, c, static_cast<std::uint8_t>(aux)}; }
  long_poll_fields as_long_poll() const noexcept { return {a, b, c}; }
  await_fields as_await() const noexcept { return {pointer(a), b, c}; }
  site_count_fields as_site_count() const noexcept { return {pointer(a), b}; }
  op_start_fields as_op_start() const noexcept {
    return {a, pointer(b), c, static_cast<std::uint8_t>(aux)};
  }
  resource_closed_fields as_resource_closed() const noexcept { return {c}; }
  trace_fields as_trace() const noexcept { return {a, b, c}; }
  worker_start_fields as_worker_start() const noexcept { return {a, b, c}; }
  worker_stop_fields as_worker_stop() const noexcept { return {a}; }
  blocking_fields as_blocking() const noexcept { return {a, b}; }
  park_fields as_park() const noexcept { return {a, b}; }
  wake_fields as_wake() const noexcept { return {a, b}; }
  object_cancel_fields as_object_cancel() const noexcept { return {a, pointer(b), aux != 0}; }

 private:
  static const void* pointer(std::uint64_t v) noexcept { return reinterpret_cast<const void*>(v); }
};
static_assert(sizeof(event) == 48);

/// An event of `kind` from `from`, with its kind-specific fields.
inline event make_event(event_kind kind, const event_source& from, std::uint64_t a = 0,
                        std::uint64_t b = 0, std::uint64_t c = 0, std::uint32_t aux = 0,
                        std::uint8_t flags = 0) noexcept {
  event e;
  e.kind = kind;
  e.flags = flags;
  e.probe = from.probe;
  e.worker = from.worker;
  e.reserved = 0;
  e.slot = from.slot;
  e.aux = aux;
  e.task_id = from.task_id;
  e.a = a;
  e.b = b;
  e.c = c;
  return e;
}

inline std::uint64_t event_word(const void* p) noexcept { return reinterpret_cast<std::uint64_t>(p); }

inline event make_spawn_event(const event_source& from, const spawn_fields& f) noexcept {
  return make_event(event_kind::task_spawn, from, f.parent_id, f.tick);
}
inline event make_complete_event(const event_source& from, const complete_fields& f) noexcept {
  return make_event(event_kind::task_complete, from, f.tick, 0, 0, f.failed ? 1 : 0);
}
/// `flags`: event_flag bits.
inline event make_poll_event(const event_source& from, const poll_fields& f,
                             std::uint8_t flags) noexcept {
  return make_event(event_kind::poll_sample, from, f.wake_tick, f.begin, f.end, f.op_kind, flags);
}
inline event make_long_poll_event(const event_source& from, const long_poll_fields& f) noexcept {
  return make_event(event_kind::long_poll, from, f.shortest, f.longest, f.end);
}
inline event make_await_event(const event_source& from, const await_fields& f) noexcept {
  return make_event(event_kind::await_sample, from, event_word(f.site), f.shortest, f.longest);
}
/// `count` awaits at `site`, counted on one thread for `probe`.
inline event make_site_count_event(std::uint16_t probe, const site_count_fields& f) noexcept {
  event_source from;
  from.probe = probe;
  return make_event(event_kind::site_count, from, event_word(f.site), f.count);
}
inline event make_op_start_event(const event_source& from, const op_start_fields& f) noexcept {
  return make_event(event_kind::op_start, from, f.tick, event_word(f.object), f.native_handle,
                    f.op_kind);
}
inline event make_resource_closed_event(const event_source& from,
                                        const resource_closed_fields& f) noexcept {
  return make_event(event_kind::resource_closed, from, 0, 0, f.native_handle);
}
inline event make_trace_event(const event_source& from, const trace_fields& f) noexcept {
  return make_event(event_kind::trace_context, from, f.trace_high, f.trace_low, f.span_id);
}
inline event make_worker_start_event(const event_source& from,
                                     const worker_start_fields& f) noexcept {
  return make_event(event_kind::worker_start, from, f.tick, f.cpu_clock, f.tid);
}
inline event make_worker_stop_event(const event_source& from, const worker_stop_fields& f) noexcept {
  return make_event(event_kind::worker_stop, from, f.tick);
}
inline event make_blocking_event(const event_source& from, const blocking_fields& f) noexcept {
  return make_event(event_kind::blocking_call, from, f.begin, f.end);
}
inline event make_park_event(const event_source& from, const park_fields& f) noexcept {
  return make_event(event_kind::park, from, f.begin, f.end);
}
inline event make_wake_event(const event_source& from, const wake_fields& f) noexcept {
  return make_event(event_kind::wake, from, f.tick, f.waker_id);
}
inline event make_object_cancel_event(const event_source& from,
                                     const object_cancel_fields& f) noexcept {
  return make_event(event_kind::object_cancel, from, f.tick, event_word(f.object), 0, f.all ? 1 : 0);
}

}  // namespace coroscope::detail
