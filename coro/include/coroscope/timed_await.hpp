// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>

#include "coroscope/detail/await_site.hpp"
#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/poll_hooks.hpp"

#ifndef COROSCOPE_ENABLE
#define COROSCOPE_ENABLE 1
#endif

namespace coroscope::detail {

/// Times one `co_await`. A temporary in the awaiting coroutine's full expression: built
/// before the await, destroyed after it resumes, so it lives in the coroutine frame across
/// the suspension. Every await is counted as it ends (in the thread's site_counts). One in
/// about the thread's sampling interval reads the clock at both ends; the others read only
/// the coarse clock's sequence, and a long one (which spanned its stamps) is measured to
/// within a stamp interval (see poll_hooks.hpp). Inside a task, the task's record says
/// which site it awaits while the timer lives (the enclosing one's again after it).
///
/// No member initializers: this runs on every await. Inside a task (the common case) the
/// task's record is what is tested; outside one, `site_` says whether the rest was set
/// (null: the hooks are off, or the thread records for no probe). A task runs only while
/// a probe's hooks are on, so its path needs no test of them. A timed await keeps kTimed
/// as its sequence, which the coarse clock never reaches: the end tests one word for both
/// a timed and a long await.
class await_timer {
 public:
  COROSCOPE_HOT explicit await_timer(const await_site& site) noexcept {
    thread_state& st = t_state;
    task_record* t = st.ctx.current_task;
    task_ = t;
    if (COROSCOPE_UNLIKELY(t == nullptr)) {
      begin_without_task(site);
      return;
    }
    site_ = &site;
    probe_ = t->probe;
    seq_ = g_coarse_clock.read_seq();
    outer_ = t->awaiting.load(std::memory_order_relaxed);
    outer_since_ = t->awaiting_since.load(std::memory_order_relaxed);
    t->awaiting_since.store(seq_, std::memory_order_relaxed);
    t->awaiting.store(&site, std::memory_order_release);
    count_down(st);
  }

  COROSCOPE_HOT ~await_timer() {
    if (task_) {
      task_->awaiting.store(outer_, std::memory_order_relaxed);
      task_->awaiting_since.store(outer_since_, std::memory_order_relaxed);
    } else if (site_ == nullptr) {
      return;
    }
    count_site(site_, probe_);
    if (COROSCOPE_UNLIKELY(g_coarse_clock.read_seq() != seq_)) end_timed_or_long();
  }

  await_timer(const await_timer&) = delete;
  await_timer& operator=(const await_timer&) = delete;

 private:
  static constexpr std::uint64_t kTimed = ~std::uint64_t{0};

  /// One await in about the thread's interval is timed exactly.
  COROSCOPE_HOT void count_down(thread_state& st) noexcept {
    if (COROSCOPE_UNLIKELY(--st.await_countdown == 0)) {
      st.await_countdown = next_countdown(st);
      start_ = ticks();
      seq_ = kTimed;
    }
  }

  /// An await in a coroutine that is no task: counted for the thread's probe, if any.
  [[gnu::noinline]] void begin_without_task(const await_site& site) noexcept {
    const std::uint16_t probe = hooks_active() ? t_state.probe : 0;
    if (probe == 0) {
      site_ = nullptr;
      return;
    }
    site_ = &site;
    probe_ = probe;
    seq_ = g_coarse_clock.read_seq();
    count_down(t_state);
  }

  /// Timed: its length. Else it spanned a coarse stamp: its bounds, and the thread's next
  /// await is timed exactly (awaits are long here now).
  [[gnu::noinline]] void end_timed_or_long() const noexcept {
    if (seq_ == kTimed) {
      const std::uint64_t length = ticks() - start_;
      emit_sample(length, length);
      return;
    }
    const coarse_clock::span span = g_coarse_clock.bounds(seq_, ticks());
    if (span.high != 0) emit_sample(span.low, span.high);
    t_state.await_countdown = 1;
  }

  void emit_sample(std::uint64_t shortest, std::uint64_t longest) const noexcept {
    // The task is alive: this timer lives in its coroutine frame.
    event_source from = source_of(task_);
    from.probe = probe_;
    emit_event(make_await_event(from, {site_, shortest, longest}));
  }

  const await_site* site_;  ///< null: not counted (no task and no probe on this thread)
  task_record* task_;
  const await_site* outer_;  ///< the enclosing TIMED_AWAIT's, restored at the end (with a task)
  std::uint64_t outer_since_;
  std::uint64_t start_;  ///< with seq_ == kTimed
  std::uint64_t seq_;    ///< the coarse clock's sequence at the start, or kTimed
  std::uint16_t probe_;
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
