// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include <boost/asio/execution.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>

#include "coroscope/detail/poll_hooks.hpp"

/// 0: executors pass work through without recording polls (tasks are still tracked).
/// Only for measuring what the executor wrapper itself costs; see docs/PERFORMANCE.md.
#ifndef COROSCOPE_RECORD_POLLS
#define COROSCOPE_RECORD_POLLS 1
#endif

namespace coroscope {
/// An Asio executor that runs work on an inner io_context executor and attributes it to
/// one task: `co_spawn` on it makes a tracked task, and every function it executes (every
/// resumption of that coroutine) is recorded as a poll. Get one from `probe::executor`.
///
/// Copies are cheap (three words, no allocation). Copies that track outstanding work (the
/// ones Asio makes with `prefer(outstanding_work.tracked)` for pending operations and for
/// the coroutine itself) are counted on the task; when the last one is gone, the task has
/// completed. The task, not each copy, holds one unit of outstanding work on the
/// io_context while it has tracked copies: the same liveness as Asio's own executors
/// without an atomic on the scheduler's shared work counter per operation.
template <typename Inner, bool Tracked>
class basic_task_executor {
 public:
  basic_task_executor(const Inner& inner, detail::task_record* task,
                      std::uint32_t generation) noexcept
      : inner_(inner), task_(task), generation_(generation) {
    if constexpr (Tracked) acquire();
  }

  basic_task_executor(const basic_task_executor& other) noexcept
      : inner_(other.inner_), task_(other.task_), generation_(other.generation_) {
    if constexpr (Tracked) acquire();
  }

  basic_task_executor(basic_task_executor&& other) noexcept
      : inner_(std::move(other.inner_)),
        task_(other.task_),
        generation_(other.generation_),
        owns_inner_work_(other.owns_inner_work_) {
    other.task_ = nullptr;
    other.owns_inner_work_ = false;
  }

  basic_task_executor& operator=(const basic_task_executor& other) noexcept {
    if (this != &other) {
      basic_task_executor copy(other);
      *this = std::move(copy);
    }
    return *this;
  }

  basic_task_executor& operator=(basic_task_executor&& other) noexcept {
    if (this != &other) {
      if constexpr (Tracked) release();
      inner_ = std::move(other.inner_);
      task_ = other.task_;
      generation_ = other.generation_;
      owns_inner_work_ = other.owns_inner_work_;
      other.task_ = nullptr;
      other.owns_inner_work_ = false;
    }
    return *this;
  }

  ~basic_task_executor() {
    // The copy inside a task's root coroutine frame is going: that frame is next.
    if (task_ && task_->async_root_owner.load(std::memory_order_relaxed) == this)
      task_->async_root.store(nullptr, std::memory_order_relaxed);
    if constexpr (Tracked) release();
  }

  /// Runs `f` on the inner executor, recorded as a poll of this executor's task.
  template <typename F>
  void execute(F&& f) const {
    if (task_ == nullptr || task_->generation.load(std::memory_order_relaxed) != generation_) {
      inner_.execute(std::forward<F>(f));  // untracked, or the task's record was recycled
      return;
    }
#if COROSCOPE_RECORD_POLLS
    inner_.execute(detail::poll_runner<std::decay_t<F>>{std::forward<F>(f), task_, generation_,
                                                         detail::on_wake(*task_)});
#else
    inner_.execute(std::forward<F>(f));
#endif
  }

  /// Outstanding work is tracked by the task (see above), so answered here.
  static constexpr boost::asio::execution::outstanding_work_t query(
      boost::asio::execution::outstanding_work_t) noexcept {
    if constexpr (Tracked)
      return boost::asio::execution::outstanding_work.tracked;
    else
      return boost::asio::execution::outstanding_work.untracked;
  }

  /// Other queries are answered by the inner executor.
  template <typename Property>
    requires(!std::is_same_v<Property, boost::asio::execution::outstanding_work_t>)
  auto query(const Property& p) const
      noexcept(noexcept(boost::asio::query(std::declval<const Inner&>(), p)))
          -> decltype(boost::asio::query(std::declval<const Inner&>(), p)) {
    return boost::asio::query(inner_, p);
  }

  /// Tracking outstanding work switches this executor's own kind; the inner one stays
  /// untracked.
  basic_task_executor<Inner, true> require(
      boost::asio::execution::outstanding_work_t::tracked_t) const noexcept {
    return {inner_, task_, generation_};
  }
  basic_task_executor<Inner, false> require(
      boost::asio::execution::outstanding_work_t::untracked_t) const noexcept {
    return {inner_, task_, generation_};
  }

  /// Other requirements are applied to the inner executor; the task stays attached.
  template <typename Property>
    requires(!std::is_same_v<Property, boost::asio::execution::outstanding_work_t::tracked_t> &&
             !std::is_same_v<Property, boost::asio::execution::outstanding_work_t::untracked_t>)
  auto require(const Property& p) const
      -> basic_task_executor<
          std::decay_t<decltype(boost::asio::require(std::declval<const Inner&>(), p))>,
          Tracked> {
    return {boost::asio::require(inner_, p), task_, generation_};
  }

  friend bool operator==(const basic_task_executor& a, const basic_task_executor& b) noexcept {
    return a.inner_ == b.inner_ && a.task_ == b.task_;
  }
  friend bool operator!=(const basic_task_executor& a, const basic_task_executor& b) noexcept {
    return !(a == b);
  }

  /// The io_context executor this one wraps.
  const Inner& inner_executor() const noexcept { return inner_; }
  /// The task's record, or nullptr for an untracked executor. Internal.
  detail::task_record* task_record() const noexcept { return task_; }
  std::uint32_t task_generation() const noexcept { return generation_; }

 private:
  template <typename, bool>
  friend class basic_task_executor;

  // A tracked copy counts on its task; without a (current) task it tracks the io_context
  // itself, as a plain Asio executor would.
  void acquire() noexcept {
    if (task_ && detail::retain_task(task_, generation_)) return;
    task_ = nullptr;
    inner_.on_work_started();
    owns_inner_work_ = true;
  }
  void release() noexcept {
    if (owns_inner_work_)
      inner_.on_work_finished();
    else if (task_)
      detail::release_task(task_, generation_);
    task_ = nullptr;
    owns_inner_work_ = false;
  }

  Inner inner_;
  detail::task_record* task_;
  std::uint32_t generation_;
  bool owns_inner_work_ = false;  // Tracked only
};

/// The executor type `probe::executor` returns.
using task_executor = basic_task_executor<boost::asio::io_context::executor_type, false>;

}  // namespace coroscope
