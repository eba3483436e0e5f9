// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <atomic>

#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/poll_hooks.hpp"
#include "workers.hpp"

namespace coroscope::detail {

/// Probes whose flight recorder is on: parks and wakes by a task are events only while one is.
extern std::atomic<int> g_flight_recorders;

/// Brackets a blocking wait inside one of Asio's parking points (the `__wrap_` functions
/// the link options route epoll_wait, the scheduler's condvar and io_uring's wait through).
/// On a worker with no poll running it is a park; inside a poll it is a blocking call in
/// the task. On other threads it records nothing.
class park_scope {
 public:
  park_scope() noexcept {
    if (!hooks_active()) return;
    thread_state& st = t_state;
    // Also finds a thread that parks in a probe's run loop before its first poll. A thread
    // of no probe's that parks (another io_context's) leaves the coarse clock dozing.
    if (st.worker == nullptr ||
        st.worker->generation.load(std::memory_order_relaxed) != st.worker_generation)
      find_worker();
    if (st.worker == nullptr) return;
    active_ = true;
    if (st.ctx.current_task == nullptr && st.ctx.active_frame == nullptr) {
      parked_ = st.worker;  // a park: no poll runs on this thread
      parked_->idle.store(true, std::memory_order_relaxed);
      // Its probe went, and another took the slot, since the check above: that worker's
      // idle mark is not ours to set (left unset, the clock only dozes less).
      if (parked_->generation.load(std::memory_order_relaxed) != st.worker_generation) {
        parked_->idle.store(false, std::memory_order_relaxed);
        parked_ = nullptr;
        active_ = false;
        return;
      }
    }
    begin_ = ticks();
  }

  ~park_scope() {
    if (!active_) return;
    thread_state& st = t_state;
    const std::uint64_t end = ticks();
    st.last_tick = end;
    if (parked_) {
      parked_->idle.store(false, std::memory_order_relaxed);
      g_coarse_clock.wake_if_dozing();  // before the polls this unpark runs
    }
    if (st.ctx.current_task) {
      emit_event(make_blocking_event(source_of(*st.ctx.current_task), {begin_, end}));
      return;
    }
    worker_slot& w = *st.worker;
    add(w.parks, 1);
    add(w.park_ticks, end - begin_);
    if (st.polls_since_unpark == 0) add(w.noop_unparks, 1);
    st.polls_since_unpark = 0;
    // One event per park (never per poll), and only while a flight recorder keeps them.
    if (g_flight_recorders.load(std::memory_order_relaxed) != 0)
      emit_event(make_park_event(source_of(nullptr), {begin_, end}));
  }

  park_scope(const park_scope&) = delete;
  park_scope& operator=(const park_scope&) = delete;

 private:
  static void add(std::atomic<std::uint64_t>& a, std::uint64_t n) noexcept {
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  bool active_ = false;
  worker_slot* parked_ = nullptr;
  std::uint64_t begin_ = 0;
};

}  // namespace coroscope::detail
