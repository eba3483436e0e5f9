// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "coroscope/detail/event.hpp"
#include "coroscope/detail/event_ring.hpp"
#include "coroscope/detail/site_counts.hpp"
#include "coroscope/detail/task_record.hpp"

namespace coroscope::detail {

/// Most workers one probe has (threads beyond are not recorded as workers).
inline constexpr unsigned kMaxWorkers = 256;

/// One worker of one probe: a thread that runs the probe's io_context. Written only by that
/// thread (relaxed stores), read by the collector. Slots come from a process-wide pool and
/// are never freed: when their probe goes, the generation changes, and a thread still
/// pointing at the slot sees it and lets go.
struct alignas(64) worker_slot {
  std::atomic<std::uint32_t> generation{0};
  std::uint16_t probe = 0;
  std::int16_t index = -1;
  std::atomic<int> tid{0};  ///< the thread's id: a thread that runs the io_context again keeps it
  /// The thread's name (comm, at most 15 bytes and a NUL) as it became a worker, in two
  /// words: the collector reads it after the thread may have exited and /proc forgot it.
  std::array<std::atomic<std::uint64_t>, 2> thread_name{};
  /// The poll in progress, for the collector's watch (never-yielded, blocking): packed by
  /// `pack_current_poll`; 0 when the worker is not polling.
  std::atomic<std::uint64_t> current_poll{0};
  /// Parked, or no longer a worker: the thread begins no poll before it wakes the coarse
  /// clock's stamper (coarse_clock::wake_if_dozing). The stamper dozes while all are.
  std::atomic<bool> idle{false};
  // Counters.
  std::atomic<std::uint64_t> polls{0};
  std::atomic<std::uint64_t> no_task_polls{0};  ///< polls of handlers outside any task
  /// Operations started on this worker outside any task (callback code), by op_kind.
  std::array<std::atomic<std::uint64_t>, kOpKinds> no_task_ops{};
  std::atomic<std::uint64_t> parks{0};
  std::atomic<std::uint64_t> park_ticks{0};
  std::atomic<std::uint64_t> noop_unparks{0};
  std::atomic<std::uint64_t> steals{0};
  std::atomic<std::uint64_t> remote{0};
  std::atomic<std::uint64_t> migrations{0};
};

/// One store per poll tells the collector what a worker is polling: the coarse clock's
/// sequence at its start (low 40 bits, + 1) and the task's pool slot (high 24 bits, + 1;
/// 0 for a handler outside any task). The sequence is not masked: stamped once a
/// millisecond, it needs 35 years to reach 2^40.
inline std::uint64_t pack_current_poll(std::uint64_t seq, std::uint32_t slot_plus_1) noexcept {
  return static_cast<std::uint64_t>(slot_plus_1) << kCurrentPollSlotShift | (seq + 1);
}
/// The same for a poll of `t` (null: a handler outside any task), from its record's
/// ready high half.
inline std::uint64_t current_poll_of(std::uint64_t seq, const task_record* t) noexcept {
  return (t ? t->current_poll_high : 0) | (seq + 1);
}
inline std::uint64_t current_poll_seq(std::uint64_t packed) noexcept {
  return (packed & ((1ull << kCurrentPollSlotShift) - 1)) - 1;
}
/// The task's slot + 1, or 0.
inline std::uint32_t current_poll_slot(std::uint64_t packed) noexcept {
  return static_cast<std::uint32_t>(packed >> kCurrentPollSlotShift);
}

/// Per-thread state of the hot path. Plain data with a constant initializer in
/// initial-exec TLS, so every access is one %fs-relative load with no guard call.
class poll_frame;

/// A name for the next task this thread spawns (see spawn_request.hpp).
struct spawn_request {
  char name[63] = {};
  bool pending = false;
  std::size_t name_size = 0;
  code_site where{};
};

/// What code runs on a thread now. Each handler invocation saves it whole and restores it
/// whole (two 16-byte moves each way instead of four loads and four stores). No
/// initializers: a poll_frame holds a copy, and is built for every handler invocation.
struct poll_context {
  task_record* current_task;  ///< task whose code runs on this thread now
  /// Inside an initiation (a coroutine suspending on an operation, or co_spawn starting
  /// one): operations created now continue this task (kUntrackedInitiation: a coroutine
  /// that is no task). nullptr outside initiations.
  task_record* initiating;
  /// The innermost handler invocation in progress (see poll_frame).
  poll_frame* active_frame;
  /// Whether the coroutine of `current_task` ran in the innermost handler invocation (it
  /// suspended again or ended): an invocation that did neither only forwarded the
  /// completion to the coroutine's executor.
  bool ran;
};

/// The site table of a thread that has none yet (or has exited): its probe is no probe's,
/// so the first count goes to the slow path, which creates the thread's own.
extern site_counts g_no_site_counts;

struct thread_state {
  event_ring* ring = nullptr;              ///< created on the thread's first event
  site_counts* sites = &g_no_site_counts;  ///< the thread's own, created with the ring
  poll_context ctx{};
  bool ring_closed = false;             ///< thread is exiting: events are dropped
  worker_slot* worker = nullptr;        ///< non-null on a probe's worker
  std::uint32_t worker_generation = 0;  ///< the slot's generation when it was taken
  std::uint16_t probe = 0;              ///< probe id of the worker, 0 elsewhere
  std::int16_t worker_index = -1;
  std::uint32_t polls_since_unpark = 1;
  /// Exact timing is sampled: one poll (and one timed await) in about `interval` reads the
  /// clock; the others count and check the coarse clock (see poll_hooks.hpp).
  std::uint32_t poll_countdown = 1;
  std::uint32_t op_countdown = 1;
  std::uint32_t await_countdown = 1;
  std::uint32_t interval = 1;
  std::uint64_t rng = 0;
  std::uint64_t timed_ewma = 0;        ///< recent timed poll length, ticks
  std::uint64_t last_tick = 0;         ///< latest exact timestamp (park end), 0: none
  /// The Asio run loop this thread was last checked in, for worker detection.
  const void* checked_run = nullptr;
  /// Set by coroscope::co_spawn: the next spawned task's name.
  spawn_request pending_spawn{};
  std::uint32_t checked_epoch = 0;
  /// The two operation names classified last (names are string literals), newest first,
  /// and their op_kind: a loop that reads and writes alternates between two.
  const char* op_names[2] = {};
  const char* object_types[2] = {};
  std::int8_t op_kinds[2] = {};
};

// constinit: the initializer is constant, so the compiler calls no TLS init wrapper (a
// test of its weak symbol and a branch) at each of the hooks' accesses.
#if defined(__cpp_constinit)
#define COROSCOPE_CONSTINIT constinit
#else
#define COROSCOPE_CONSTINIT
#endif
extern thread_local COROSCOPE_CONSTINIT thread_state t_state __attribute__((tls_model("initial-exec")));

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

/// Hands entry `e`'s count to the collector (a site_count event) and restarts the entry for
/// `site` at 1 (null: empties it); while the ring is full the entry keeps its old site.
void flush_site_count(site_counts::entry& e, const void* site) noexcept;
/// The thread's table, made to count for `probe` (created on first use); null when the
/// thread can have none (exiting, out of memory). Out of line.
site_counts* site_counts_for(std::uint16_t probe) noexcept;
/// Counts one await of `site` for probe `probe` on this thread (see site_counts).
[[gnu::always_inline]] inline void count_site(const void* site, std::uint16_t probe) noexcept {
  site_counts* sites = t_state.sites;
  if (__builtin_expect(sites->probe.load(std::memory_order_relaxed) != probe, 0))
    if (!(sites = site_counts_for(probe))) return;
  site_counts::entry& e = sites->entries[site_counts::index_of(site)];
  if (__builtin_expect(e.site.load(std::memory_order_relaxed) == site, 1))
    e.count.store(e.count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  else
    flush_site_count(e, site);
}

/// Events about task `t`, recorded on this thread.
inline event_source source_of(const task_record& t) noexcept {
  return {t.probe, t_state.worker_index, t.slot, t.id};
}
/// Events about `t` if non-null, else about no task of this thread's probe.
inline event_source source_of(const task_record* t) noexcept {
  if (t) return source_of(*t);
  return {t_state.probe, t_state.worker_index, 0, 0};
}

}  // namespace coroscope::detail
