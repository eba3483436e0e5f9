// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The hot path: what runs on every operation Asio creates and every handler it invokes.
// Kept to plain loads and stores on memory the thread owns (its thread_state, the task's
// record, its worker slot); no clock read but for a sample of polls; no event but for
// those samples and rare things. See docs/ARCHITECTURE.md, "Recording".
#pragma once

#include <atomic>
#include <cstdint>

#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/coarse_clock.hpp"
#include "coroscope/detail/thread_state.hpp"

#define COROSCOPE_HOT [[gnu::always_inline]] inline
#define COROSCOPE_UNLIKELY(x) __builtin_expect(!!(x), 0)

namespace coroscope::detail {

/// Live probes. The hooks do nothing (one load) while there are none.
extern std::atomic<int> g_live_probes;
COROSCOPE_HOT bool hooks_active() noexcept {
  return __builtin_expect(g_live_probes.load(std::memory_order_relaxed) != 0, 1);
}

/// What coroscope keeps in every Asio operation (it is the base class Asio's handler
/// tracking lets us give `scheduler_operation`): the task whose code started the
/// operation, and timing for the sampled ones. Copied out when the operation completes,
/// because Asio frees the operation before it invokes the handler.
struct op_tag {
  task_record* task = nullptr;
  std::uint32_t generation;  ///< meaningful with `task`
  std::uint8_t flags = 0;    ///< op_flag bits
  std::int8_t kind;          ///< op_kind; meaningful once tagged
  std::int16_t worker = -1;  ///< worker that started it (-1: not a worker)
  std::uint64_t tick;        ///< meaningful with op_sampled
};

enum op_flag : std::uint8_t {
  op_continuation = 1u << 0,  ///< resumes the task's coroutine (started by its initiation)
  op_self_wake = 1u << 1,     ///< the task scheduled its own continuation (co_await post)
  op_sampled = 1u << 2,       ///< timed: `tick` is set, its poll reads the clock
  /// A post that carries the task's coroutine continuation, handed on by the invocation
  /// that completed its operation (to a strand): its invocation resumes that coroutine.
  op_handed_on = 1u << 3,
  /// (An invocation's own copy) its handler is Asio's work_dispatcher, which only hands the
  /// handler it holds on to that handler's executor (a coroutine's `post` to another
  /// strand resumes it on its own).
  op_dispatcher = 1u << 4,
};

/// `poll_context::initiating` (t_state.ctx) inside the initiation of a coroutine that is no task.
inline task_record* const kUntrackedInitiation = reinterpret_cast<task_record*>(alignof(task_record));

/// Slow paths, out of line.
void refresh_worker() noexcept;  ///< is this thread (still) running a probe's io_context?
void end_timed_poll(task_record* t, const op_tag& tag, std::uint64_t begin, bool nested,
                    bool first) noexcept;
void emit_long_poll(task_record* t, std::uint64_t begin_seq, std::uint64_t end) noexcept;
void count_inline_poll(task_record& t) noexcept;  ///< resumed with no hook (Asio dispatch)
/// A new task's first poll, run inline where it was spawned (co_spawn dispatches): counted,
/// and a nested poll event from `begin` to now when `begin` is not 0 (it was timed).
void end_inline_first_poll(task_record& t, std::uint64_t begin) noexcept;
void note_steal(worker_slot& w, std::int16_t from) noexcept;
void note_migration(task_record& t, worker_slot* w) noexcept;  ///< polled on another worker
/// `waker`'s poll made `t` runnable (an event while a flight recorder is on), at `tick`
/// (0: now).
void note_wake(task_record& t, const task_record& waker, std::uint64_t tick = 0) noexcept;
/// This operation is timed: its start, and the I/O object it runs on.
void sample_op(op_tag& tag, const void* object, std::uintmax_t native_handle) noexcept;
/// Notes the entry function of `t`, which is running on this thread (its coroutine frames
/// are stable), for its name.
void note_running_entry_function(task_record& t) noexcept;
/// op_kind_of's slow path: the thread's second cached name, else classify_op; either
/// becomes the newest.
std::int8_t op_kind_of_slow(thread_state& st, const char* object_type,
                            const char* op_name) noexcept;

/// What timing costs stays near 1% of the polls' time. A timed poll reads the clock twice
/// and writes an event the collector aggregates, and the operations and awaits around it
/// are timed at the same interval: about 1 µs in all, the collector's share included (the
/// echo loop on one core lost 4% at one timed poll per 10-20 µs of polling). Every poll is
/// timed while polls average 50 µs or more; shorter, one in N (a power of two), so that a
/// timed poll comes once per 50 to 100 µs of polling, down to one in kMaxInterval (polls
/// of about 100 ns: at 256, the resume loop's timed events were half the collector's time).
inline constexpr std::uint64_t kSamplingTargetNs = 100000;
inline constexpr std::uint32_t kMaxInterval = 1024;
/// Set by each probe's constructor (probes may start on several threads at once), read on
/// the workers: relaxed atomics, plain loads and stores on x86.
extern std::atomic<std::uint64_t> g_sampling_target_ticks;
/// Non-zero: a fixed interval instead (probe_options::timing_interval).
extern std::atomic<std::uint32_t> g_fixed_timing_interval;

/// The next sampling countdown: uniform in [1, 2 * interval - 1], so one event in about
/// `interval` is timed whatever the pattern of poll lengths (no aliasing with it).
inline std::uint32_t next_countdown(thread_state& st) noexcept {
  if (st.interval <= 1) return 1;
  std::uint64_t x = st.rng ? st.rng : 0x9e3779b97f4a7c15ull;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  st.rng = x;
  return 1 + static_cast<std::uint32_t>(x % (2 * st.interval - 1));
}

/// After a timed poll of `length` ticks: time every poll while polls are long, and fewer
/// while they are short (see kSamplingTargetNs).
void adapt_interval(thread_state& st, std::uint64_t length) noexcept;
/// A thread starts working for a probe: its sampling starts afresh under that probe's
/// settings. Countdowns left by an earlier probe (up to 2 x kMaxInterval) would otherwise
/// leave the new probe's first polls, operations and awaits untimed, even with a fixed
/// interval of 1.
void restart_timing(thread_state& st) noexcept;

COROSCOPE_HOT void bump(std::atomic<std::uint64_t>& a) noexcept {
  a.store(a.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

/// One handler invocation (or one resumption Asio runs inline) on this thread. Begin and
/// end run on the same thread; invocations nest (a handler that runs another inline).
class poll_frame {
 public:
  /// `typed`: the task is known from the handler itself (a coroutine continuation), so the
  /// invocation may turn out to have only forwarded it (see `ran`). `tag` must live until
  /// `end`.
  COROSCOPE_HOT void begin(task_record* t, const op_tag& tag, bool typed) noexcept {
    thread_state& st = t_state;
    worker_slot* w = st.worker;
    if (COROSCOPE_UNLIKELY(w == nullptr ||
                           w->generation.load(std::memory_order_relaxed) != st.worker_generation)) {
      refresh_worker();
      w = st.worker;
    }
    task_ = t;
    tag_ = &tag;
    typed_ = typed;
    had_nested_ = false;
    prev_ = st.ctx;
    if (prev_.active_frame) prev_.active_frame->had_nested_ = true;
    // An invocation nested in an initiation (a channel send completing a waiting receive)
    // is not part of it: operations its handler creates belong to its own task.
    st.ctx = {.current_task = t, .initiating = nullptr, .active_frame = this, .ran = false};
    seq_ = g_coarse_clock.read_seq();
    const bool countdown_ended = --st.poll_countdown == 0;
    timed_ = false;
    if (COROSCOPE_UNLIKELY(countdown_ended || (tag.flags & op_sampled)))
      begin_timed(st, countdown_ended);
    if (t) begin_task_poll(*t, st.worker_index);
    if (w && !prev_.current_task)
      w->current_poll.store(current_poll_of(seq_, t), std::memory_order_relaxed);
  }

  /// A coroutine of task `t` resumes inside this invocation, the innermost one, which is
  /// type-erased and has run no coroutine of its own task: a handler of `t` that another
  /// task (the tagged one) or other code posted, such as a waiter's handler an event
  /// parked for its setter to post. The invocation becomes `t`'s poll, woken by the task
  /// that posted it. False (nothing changed) for any other invocation. Out of line.
  bool adopt(task_record& t) noexcept;

  /// A coroutine of task `t` resumes inside this invocation, the innermost one, which
  /// resumed the coroutine of its own task only to see it return: co_spawn's entry point
  /// then runs the spawn's completion handler here, inline, and that resumed `t` (a
  /// coroutine that awaited the spawn: `co_await co_spawn(...)`, an awaitable operator) or
  /// is a callback of `t`'s. The invocation becomes `t`'s poll, woken by the task that
  /// ended. False (nothing changed) otherwise. Out of line.
  bool adopt_completion(task_record& t) noexcept;

  /// The task whose code runs now on this thread, for a task it spawns (its parent):
  /// `current`, or the parent of `current` when `current`'s own coroutine has returned
  /// in this invocation (its completion handler runs: see adopt_completion, which this
  /// calls). Out of line; on the spawn path only.
  task_record* spawning_task(task_record* current) noexcept;

  /// The completed operation whose continuation of task `t` this invocation hands on (to a
  /// strand or another executor) without running it; null for any other invocation.
  const op_tag* handing_on(const task_record* t) const noexcept {
    return (typed_ || (tag_->flags & op_dispatcher)) && task_ == t ? tag_ : nullptr;
  }

  COROSCOPE_HOT void end() noexcept {
    thread_state& st = t_state;
    task_record* t = task_;
    if (t) mark_poll_ended(*t, begins_);  // before any return below
    const bool ran = st.ctx.ran;
    st.ctx = prev_;
    worker_slot* w = st.worker;
    const bool outermost = prev_.current_task == nullptr;
    if (w && outermost) w->current_poll.store(0, std::memory_order_relaxed);
    if (COROSCOPE_UNLIKELY(!ran) && !was_poll_without_running(t)) return;
    ++st.polls_since_unpark;
    const std::uint64_t end_seq = g_coarse_clock.read_seq();
    if (w) {
      bump(w->polls);
      if (COROSCOPE_UNLIKELY(tag_->worker != st.worker_index)) note_steal(*w, tag_->worker);
      if (!t) bump(w->no_task_polls);
    }
    std::uint64_t polls = 0;
    if (t) {
      polls = t->polls.load(std::memory_order_relaxed);
      t->polls.store(polls + 1, std::memory_order_relaxed);
      if (COROSCOPE_UNLIKELY(migrated_) && polls != 0) note_migration(*t, w);
      t->last_poll_end.store(end_seq, std::memory_order_relaxed);
    }
    if (COROSCOPE_UNLIKELY(timed_)) {
      if (w) end_timed_poll(t, *tag_, begin_, !outermost, t && polls == 0);
    } else if (COROSCOPE_UNLIKELY(end_seq != seq_) && w) {
      emit_long_poll(t, seq_, ticks());
    }
  }

 private:
  /// This invocation runs the coroutine thread of its task `t` (typed, or a continuation
  /// handed on to it), not one it adopted: `t`'s frames are still while it reads them.
  bool runs_coroutine_of(const task_record* t) const noexcept {
    return t == task_ && (typed_ || ((tag_->flags & op_handed_on) && tag_->task == t));
  }

  /// Whether this invocation, which ran no coroutine of its task `t`, was a poll of it. Not
  /// when it carried `t`'s continuation without running it: handed on to a strand (or
  /// another executor) by a typed handler or by a work_dispatcher (which finds the strand
  /// busy, or runs it in an invocation nested in this one), or posted from another task's
  /// poll (a channel send completing a receive). That is a wake, marked here: scheduled
  /// until its next poll begins, which another worker may have begun already (then the
  /// mark is stale at once; this invocation counted as begin `begins_`). Nor when it is a
  /// type-erased handler that ran other handlers inside it: a strand's invoker running its
  /// queue, Asio's plumbing (each queued handler was a poll of its own). A callback is a
  /// poll, and so is a typed step of a composed operation on the io_context's executor.
  /// Out of line.
  bool was_poll_without_running(task_record* t) noexcept;

  /// The rest of this invocation is a poll of `t`, whose coroutine runs here (adopt,
  /// adopt_completion). Out of line.
  void become_poll_of(task_record& t) noexcept;

  /// This invocation is timed: its own sample (the thread's countdown ended) or its
  /// operation's. Out of line: the clock read and the countdown's draw are rare.
  [[gnu::noinline]] void begin_timed(thread_state& st, bool countdown_ended) noexcept {
    if (countdown_ended) st.poll_countdown = next_countdown(st);
    timed_ = true;
    begin_ = ticks();
  }

  /// This invocation is a poll of `t` on worker `worker`: counts its begin and notes a
  /// migration now, not at the end (the sampler walks a task's frames only on its latest
  /// poller).
  COROSCOPE_HOT void begin_task_poll(task_record& t, std::int16_t worker) noexcept {
    begins_ = t.poll_begins.load(std::memory_order_relaxed) + 1;
    t.poll_begins.store(begins_, std::memory_order_release);
    migrated_ = t.last_worker.load(std::memory_order_relaxed) != worker;
    if (COROSCOPE_UNLIKELY(migrated_)) t.last_worker.store(worker, std::memory_order_relaxed);
  }

  /// The poll of `t` that began as `begins` has ended: its frames are still again (a dump's
  /// walk waits for that). The highest such begin is kept: a wake on one worker may end
  /// after the poll it handed on to on another (ARCHITECTURE.md "Task dumps": the gaps).
  COROSCOPE_HOT static void mark_poll_ended(task_record& t, std::uint64_t begins) noexcept {
    if (t.ended_begins.load(std::memory_order_relaxed) < begins)
      t.ended_begins.store(begins, std::memory_order_release);
  }

  // No initializers: a frame is built for every handler invocation, hooks on or off, and
  // `begin` sets each field `end` reads (begin_ only when timed_, begins_ and migrated_ only
  // with a task).
  task_record* task_;
  poll_context prev_;  // the thread's, restored at the end
  std::uint64_t begin_;
  std::uint64_t begins_;  // the task's poll_begins after this invocation's (with a task)
  std::uint64_t seq_;
  const op_tag* tag_;  // the invocation's copy (asio_completion), alive until end
  bool typed_;
  bool timed_;
  bool had_nested_;
  bool migrated_;
};

/// A coroutine of task `t` resumes or ends inside an invocation that is not its own: the
/// innermost invocation, if any, becomes `t`'s poll (poll_frame::adopt, else
/// adopt_completion). False when none does. Out of line.
bool adopted_by_innermost_frame(task_record& t) noexcept;

/// The task a tag names, if the record still belongs to it.
COROSCOPE_HOT task_record* tagged_task(const op_tag& tag) noexcept {
  task_record* t = tag.task;
  if (t && t->generation.load(std::memory_order_relaxed) != tag.generation) return nullptr;
  return t;
}

/// Where a completion's continuation is handed on: `tag`, the post that hands it on (a
/// strand's queued handler), is marked as carrying it (op_handed_on), and takes the kind
/// and start of the I/O or timer operation `from` that completed, so the poll that runs it
/// is that operation's wake, and the hop part of its wait. False (only the mark) for other
/// operations. Out of line.
bool take_completion(op_tag& tag, const op_tag& from) noexcept;

/// The kind of an operation: a constant where the compiler sees Asio's literal names (an
/// optimized build); else the thread's newest cached name is a few loads, the rest out of
/// line.
COROSCOPE_HOT std::int8_t op_kind_of(thread_state& st, const char* object_type,
                                     const char* op_name) noexcept {
  const auto known = static_cast<std::int8_t>(classify_op(object_type, op_name));
  if (__builtin_constant_p(known)) return known;
  if (__builtin_expect(op_name == st.op_names[0] && object_type == st.object_types[0], 1))
    return st.op_kinds[0];
  return op_kind_of_slow(st, object_type, op_name);
}

/// Called when an operation is created (Asio's BOOST_ASIO_HANDLER_CREATION): the task whose
/// code started it, its kind, and whether it is timed.
COROSCOPE_HOT void tag_new_op(op_tag& tag, const char* object_type, const char* op_name,
                              const void* object, std::uintmax_t native_handle) noexcept {
  thread_state& st = t_state;
  task_record* t = st.ctx.initiating;
  const bool continuation = t != nullptr;
  if (!continuation)
    t = st.ctx.current_task;
  else if (t == kUntrackedInitiation)
    t = nullptr;
  tag.worker = st.worker_index;
  if (t) {
    tag.task = t;
    tag.generation = t->generation.load(std::memory_order_relaxed);
    const std::int8_t kind = op_kind_of(st, object_type, op_name);
    tag.kind = kind;
    auto& count = t->ops[static_cast<unsigned>(kind)];
    count.store(count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    if (continuation) {
      tag.flags = op_continuation;
      if (kind == static_cast<std::int8_t>(op_kind::post)) {
        // The task scheduling its own continuation while it runs (not co_spawn's first
        // dispatch of a new task, before its coroutine ran): counted now, not at its poll.
        if (t == st.ctx.current_task && st.ctx.ran) {
          tag.flags = op_continuation | op_self_wake;
          bump(t->self_wakes);
        }
        t->wake_mark.store(t->poll_begins.load(std::memory_order_relaxed) + 1,
                           std::memory_order_relaxed);
      }
    } else if (COROSCOPE_UNLIKELY(t->entry_fn.load(std::memory_order_relaxed) == 0) &&
               t == st.ctx.current_task && st.ctx.ran) {
      // Its coroutine is running here (not co_spawn's first dispatch, before it ran). A
      // continuation's initiation (asio_location, poll_frame::adopt) has named it already.
      note_running_entry_function(*t);
    }
  } else {
    if (continuation) tag.flags = op_continuation;
    tag.kind = op_kind_of(st, object_type, op_name);
    if (worker_slot* w = st.worker) bump(w->no_task_ops[static_cast<unsigned>(tag.kind)]);
  }
  // A post made by an invocation that runs no coroutine: maybe a completion handed on.
  if (COROSCOPE_UNLIKELY(!continuation && tag.kind == static_cast<std::int8_t>(op_kind::post) &&
                         !st.ctx.ran) &&
      st.ctx.active_frame != nullptr)
    if (const op_tag* from = st.ctx.active_frame->handing_on(t); from && take_completion(tag, *from)) return;
  if (COROSCOPE_UNLIKELY(--st.op_countdown == 0)) sample_op(tag, object, native_handle);
}

}  // namespace coroscope::detail
