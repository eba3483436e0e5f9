// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <utility>

#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/thread_state.hpp"

namespace coroscope::detail {

/// Slow paths of a task's life, out of line: spawn (first tracked executor copy or first
/// poll), the first tracked copy (the task starts holding io_context work) and the last
/// one gone (work released, task completed).
void on_task_live(task_record& t) noexcept;
void on_first_tracked_copy(task_record& t) noexcept;
void on_last_tracked_copy(task_record& t) noexcept;

/// Who made a task runnable, captured when its work is handed to the io_context.
struct wake_info {
  std::uint64_t tick;  ///< 0 for a self-wake: the task is runnable when its poll ends
  std::int16_t worker;
  std::uint8_t flags;
};

/// Reads the clock only where no probe timestamp says when the wake was. A self-wake takes
/// effect when the task's poll ends (stamped then); a wake on a worker outside any poll (an
/// I/O completion, a timer) reuses the worker's latest probe timestamp, taken when it left
/// epoll_wait or ended its previous poll.
inline wake_info on_wake(task_record& t) noexcept {
  const thread_state& st = t_state;
  wake_info w{0, st.worker_index, 0};
  if (st.current_task == &t) {
    w.flags = flag_self_wake;
    t.self_woken.store(true, std::memory_order_relaxed);  // ~poll_scope marks it pending
    return w;
  }
  if (st.worker_index < 0 || st.probe != t.probe) w.flags = flag_remote;
  const bool worker_idle = st.worker != nullptr && st.current_task == nullptr && st.last_tick;
  w.tick = worker_idle ? st.last_tick : ticks();
  t.last_wake_tick.store(w.tick, std::memory_order_relaxed);
  return w;
}

/// Brackets one poll (one resumption of a task). Self time excludes polls that run inline
/// inside it; the poll event is written when the scope ends, also on exceptions.
class poll_scope {
 public:
  poll_scope(task_record* t, std::uint32_t generation, const wake_info& wake) noexcept {
    if (t->generation.load(std::memory_order_relaxed) != generation) return;  // stale: untracked
    if (__builtin_expect(t->state.load(std::memory_order_relaxed) == record_state::created, 0))
      on_task_live(*t);
    thread_state& st = t_state;
    task_ = t;
    wake_ = wake;
    prev_task_ = st.current_task;
    prev_begin_ = st.current_poll_begin;
    prev_nested_ = st.nested_ticks;
    begin_ = ticks();
    st.last_tick = begin_;
    if (wake_.tick == 0) {
      // Self-wake: runnable since its previous poll ended. That poll may still be finishing
      // on another worker (its end not stored yet): then count no scheduled time.
      const std::uint64_t prev_begin = t->last_poll_begin_tick.load(std::memory_order_relaxed);
      const std::uint64_t prev_end = t->last_poll_end_tick.load(std::memory_order_relaxed);
      wake_.tick = prev_end >= prev_begin && prev_end <= begin_ ? prev_end : begin_;
    }
    t->last_poll_begin_tick.store(begin_, std::memory_order_relaxed);
    st.current_task = t;
    st.current_poll_begin = begin_;
    st.nested_ticks = 0;
    ++st.polls_since_unpark;

    std::uint8_t flags = wake.flags;
    if (wake.worker >= 0 && wake.worker != st.worker_index && !(flags & flag_remote))
      flags |= flag_steal;
    const std::uint64_t polls = t->polls.load(std::memory_order_relaxed);
    if (t->last_worker.load(std::memory_order_relaxed) != st.worker_index && polls != 0)
      flags |= flag_migrated;
    if (prev_task_) flags |= flag_nested;
    if (polls == 0) flags |= flag_first_poll;
    wake_.flags = flags;
    t->last_worker.store(st.worker_index, std::memory_order_relaxed);
    t->polls.store(polls + 1, std::memory_order_relaxed);
    // Seqlock writer side for the sampler's async-stack walk (sample_context.cpp): the new
    // poll count is visible before this poll changes the task's coroutine frames.
    std::atomic_thread_fence(std::memory_order_release);
    if (st.worker && !prev_task_) {
      st.worker->poll_task_id.store(t->id, std::memory_order_relaxed);
      st.worker->poll_task_slot.store(t->slot, std::memory_order_relaxed);
      st.worker->poll_begin_tick.store(begin_, std::memory_order_relaxed);
    }
  }

  ~poll_scope() {
    if (!task_) return;
    thread_state& st = t_state;
    const std::uint64_t end = ticks();
    st.last_tick = end;
    const std::uint64_t total = end - begin_;
    event e = make_task_event(event_kind::poll, *task_);
    e.flags = wake_.flags;
    e.a = wake_.tick;
    e.b = begin_;
    e.c = total - st.nested_ticks;
    emit_event(e);
    // The next poll may already run on another worker (and even have ended): do not move
    // the end back in time. (Not a CAS: a locked instruction per poll costs more than the
    // rare lost update, which only delays the record's eviction.)
    if (task_->last_poll_end_tick.load(std::memory_order_relaxed) < end)
      task_->last_poll_end_tick.store(end, std::memory_order_relaxed);
    if (task_->self_woken.load(std::memory_order_relaxed)) {  // runnable: scheduled, not idle
      task_->self_woken.store(false, std::memory_order_relaxed);
      task_->last_wake_tick.store(end + 1, std::memory_order_relaxed);
    }
    st.current_task = prev_task_;
    st.current_poll_begin = prev_begin_;
    st.nested_ticks = prev_nested_ + total;
    if (st.worker && !prev_task_) st.worker->poll_begin_tick.store(0, std::memory_order_relaxed);
  }

  poll_scope(const poll_scope&) = delete;
  poll_scope& operator=(const poll_scope&) = delete;

 private:
  task_record* task_ = nullptr;
  task_record* prev_task_ = nullptr;
  std::uint64_t prev_begin_ = 0;
  std::uint64_t prev_nested_ = 0;
  std::uint64_t begin_ = 0;
  wake_info wake_{};
};

/// The function object an executor hands to the io_context in place of `f`: the same
/// allocation Asio makes anyway, with the task and wake time carried alongside.
template <typename F>
struct poll_runner {
  F f;
  task_record* task;
  std::uint32_t generation;
  wake_info wake;

  void operator()() {
    // Asio's work_dispatcher runs a posted handler through the task's executor a second
    // time, inline: that is the same resumption, not a nested poll.
    if (t_state.current_task == task) {
      std::move(f)();
      return;
    }
    poll_scope scope(task, generation, wake);
    std::move(f)();
  }
};

/// Outstanding-work bookkeeping: the first tracked copy makes a task live, the last one
/// gone finishes it.
inline bool retain_task(task_record* t, std::uint32_t generation) noexcept {
  if (t->generation.load(std::memory_order_relaxed) != generation) return false;
  // A completed task is not revived: the copy tracks the io_context itself.
  if (t->state.load(std::memory_order_acquire) == record_state::completed) return false;
  if (t->tracked_refs.fetch_add(1, std::memory_order_relaxed) == 0) on_first_tracked_copy(*t);
  return true;
}

inline void release_task(task_record* t, std::uint32_t generation) noexcept {
  if (t->generation.load(std::memory_order_relaxed) != generation) return;  // probe gone
  if (t->tracked_refs.fetch_sub(1, std::memory_order_acq_rel) == 1) on_last_tracked_copy(*t);
}

}  // namespace coroscope::detail
