// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>

#include <boost/asio/this_coro.hpp>

#include "coroscope/detail/async_stack.hpp"
#include "coroscope/detail/await_site.hpp"
#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/thread_state.hpp"

#ifndef COROSCOPE_ENABLE
#define COROSCOPE_ENABLE 1
#endif

namespace coroscope::detail {

/// Times one `co_await`. A temporary in the awaiting coroutine's full expression: built
/// before the await, destroyed after it resumes, so it lives in the coroutine frame across
/// the suspension. It reads the clock at both ends (an await may span several polls, and
/// code of the awaited coroutine may run before it ends, so no poll boundary stands in).
class await_timer {
 public:
  explicit await_timer(const await_site& site) noexcept
      : site_(&site), task_(t_state.current_task), start_(ticks()) {
    if (task_) generation_ = task_->generation.load(std::memory_order_relaxed);
  }

  /// Also notes the task's async-stack root (see async_stack.hpp) from the awaiting
  /// coroutine's executor and root-frame flag.
  template <typename Executor>
  await_timer(const await_site& site, const Executor& executor, const bool& root_flag) noexcept
      : await_timer(site) {
    note_async_root(task_, executor, root_flag);
  }

  ~await_timer() {
    const thread_state& st = t_state;
    event e{};
    e.kind = event_kind::await_done;
    e.worker = st.worker_index;
    e.probe = st.probe;  // outside a task: the worker's probe, if any
    if (task_ && task_->generation.load(std::memory_order_relaxed) == generation_) {
      e.probe = task_->probe;
      e.slot = task_->slot;
      e.task_id = task_->id;
    }
    e.a = reinterpret_cast<std::uint64_t>(site_);
    e.b = start_;
    e.c = ticks();
    emit_event(e);
  }

  await_timer(const await_timer&) = delete;
  await_timer& operator=(const await_timer&) = delete;

 private:
  const await_site* site_;
  task_record* task_;
  std::uint64_t start_;
  std::uint32_t generation_ = 0;
};

}  // namespace coroscope::detail

#if COROSCOPE_ASYNC_STACKS
#define COROSCOPE_DETAIL_ASYNC_ROOT_HINT                       \
  , co_await ::boost::asio::this_coro::executor,               \
      co_await ::boost::asio::detail::awaitable_thread_has_context_switched {}
#else
#define COROSCOPE_DETAIL_ASYNC_ROOT_HINT
#endif

#if COROSCOPE_ENABLE
/// `co_await expr`, timed and counted under a site named `name` (with this file:line).
/// Usable in any awaitable coroutine; the value is the awaited value.
#define TIMED_AWAIT_AS(name, ...)                                                       \
  ((void)::coroscope::detail::await_timer{[]() -> const ::coroscope::detail::await_site& { \
     static constexpr ::coroscope::detail::await_site site{name, __FILE__, __LINE__};  \
     return site;                                                                    \
   }() COROSCOPE_DETAIL_ASYNC_ROOT_HINT},                                            \
   co_await (__VA_ARGS__))
#else
#define TIMED_AWAIT_AS(name, ...) (co_await (__VA_ARGS__))
#endif

/// `co_await expr`, timed under a site named after the expression text and file:line.
#define TIMED_AWAIT(...) TIMED_AWAIT_AS(#__VA_ARGS__, __VA_ARGS__)
