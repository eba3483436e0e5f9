// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/thread_state.hpp"

namespace coroscope::detail {

/// Brackets a blocking wait inside one of Asio's parking points (the `__wrap_` functions
/// the link options route epoll_wait, the scheduler's condvar and io_uring's wait through).
/// On a worker with no poll running it is a park; inside a poll it is a blocking call in
/// the task. On other threads it records nothing.
class park_scope {
 public:
  park_scope() noexcept {
    if (t_state.worker == nullptr) return;
    active_ = true;
    begin_ = ticks();
  }

  ~park_scope() {
    if (!active_) return;
    thread_state& st = t_state;
    event e{};
    e.probe = st.probe;
    e.worker = st.worker_index;
    e.a = begin_;
    e.b = ticks();
    st.last_tick = e.b;
    if (st.current_task) {
      e.kind = event_kind::blocking_call;
      e.slot = st.current_task->slot;
      e.task_id = st.current_task->id;
    } else {
      e.kind = event_kind::park;
      if (st.polls_since_unpark == 0) e.flags = flag_noop_unpark;
      st.polls_since_unpark = 0;
    }
    emit_event(e);
  }

  park_scope(const park_scope&) = delete;
  park_scope& operator=(const park_scope&) = delete;

 private:
  bool active_ = false;
  std::uint64_t begin_ = 0;
};

}  // namespace coroscope::detail
