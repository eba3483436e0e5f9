// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>

#include "coroscope/detail/await_site.hpp"
#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/thread_state.hpp"

#ifndef COROSCOPE_ENABLE
#define COROSCOPE_ENABLE 1
#endif

namespace coroscope::detail {

/// Times one `co_await`. A temporary in the awaiting coroutine's full expression: built
/// before the await, destroyed after it resumes, so it lives in the coroutine frame across
/// the suspension.
///
/// Inside a tracked task it reads no clock: the await starts when the poll that suspends it
/// ends and ends when the poll that resumes it begins, timestamps the probe takes anyway.
/// An await that completes without suspending is timed from the start of its poll.
/// Outside a task it reads the clock at both ends.
class await_timer : private await_node {
 public:
  explicit await_timer(const await_site& site) noexcept
      : site_(&site), task_(t_state.current_task) {
    if (task_) {
      polls_at_start_ = task_->polls;
      outer = task_->pending_awaits;
      task_->pending_awaits = this;
    } else {
      start = ticks();
    }
  }

  ~await_timer() {
    const thread_state& st = t_state;
    event e{};
    e.kind = event_kind::await_done;
    e.worker = st.worker_index;
    if (task_) {
      task_->pending_awaits = outer;
      const bool resumed_by_probe = st.current_task == task_ && task_->polls != polls_at_start_;
      e.c = resumed_by_probe ? st.current_poll_begin : ticks();
      e.b = start != 0 ? start : (st.current_task == task_ ? st.current_poll_begin : e.c);
      e.probe = task_->probe;
      e.slot = task_->slot;
      e.task_id = task_->id;
    } else {
      e.b = start;
      e.c = ticks();
      e.probe = st.probe;  // a worker's await outside any task: the worker's probe
    }
    e.a = reinterpret_cast<std::uint64_t>(site_);
    emit(e);
  }

  await_timer(const await_timer&) = delete;
  await_timer& operator=(const await_timer&) = delete;

 private:
  const await_site* site_;
  task_record* task_;
  std::uint64_t polls_at_start_ = 0;
};

}  // namespace coroscope::detail

#if COROSCOPE_ENABLE
/// `co_await expr`, timed and counted under a site named `name` (with this file:line).
/// Usable in any awaitable coroutine; the value is the awaited value.
#define TIMED_AWAIT_AS(name, ...)                                                       \
  ((void)::coroscope::detail::await_timer{[]() -> const ::coroscope::detail::await_site& { \
     static constexpr ::coroscope::detail::await_site site{name, __FILE__, __LINE__};  \
     return site;                                                                    \
   }()},                                                                             \
   co_await (__VA_ARGS__))
#else
#define TIMED_AWAIT_AS(name, ...) (co_await (__VA_ARGS__))
#endif

/// `co_await expr`, timed under a site named after the expression text and file:line.
#define TIMED_AWAIT(...) TIMED_AWAIT_AS(#__VA_ARGS__, __VA_ARGS__)
