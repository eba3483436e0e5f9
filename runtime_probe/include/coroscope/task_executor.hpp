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

namespace coroscope {
namespace detail {

/// Whether an executor that tracked work (`Tracked`) does after `require(Property)`.
template <typename Property, bool Tracked>
constexpr bool tracked_after() {
  using P = std::decay_t<Property>;
  if constexpr (std::is_same_v<P, boost::asio::execution::outstanding_work_t::tracked_t>)
    return true;
  else if constexpr (std::is_same_v<P, boost::asio::execution::outstanding_work_t::untracked_t>)
    return false;
  else
    return Tracked;
}

}  // namespace detail

/// An Asio executor that runs work on an inner io_context executor and attributes it to
/// one task: `co_spawn` on it makes a tracked task, and every function it executes (every
/// resumption of that coroutine) is recorded as a poll. Get one from `probe::executor`.
///
/// Copies are cheap (three words, no allocation). Copies that track outstanding work (the
/// ones Asio makes with `prefer(outstanding_work.tracked)` for pending operations and for
/// the coroutine itself) are counted; when the last one is gone, the task has completed.
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
      : inner_(std::move(other.inner_)), task_(other.task_), generation_(other.generation_) {
    if constexpr (Tracked) other.task_ = nullptr;
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
      if constexpr (Tracked) other.task_ = nullptr;
    }
    return *this;
  }

  ~basic_task_executor() {
    if constexpr (Tracked) release();
  }

  /// Runs `f` on the inner executor, recorded as a poll of this executor's task.
  template <typename F>
  void execute(F&& f) const {
    if (task_ == nullptr) {
      inner_.execute(std::forward<F>(f));
      return;
    }
    inner_.execute(detail::poll_runner<std::decay_t<F>>{std::forward<F>(f), task_, generation_,
                                                         detail::on_wake(*task_)});
  }

  /// Queries are answered by the inner executor.
  template <typename Property>
  auto query(const Property& p) const
      noexcept(noexcept(boost::asio::query(std::declval<const Inner&>(), p)))
          -> decltype(boost::asio::query(std::declval<const Inner&>(), p)) {
    return boost::asio::query(inner_, p);
  }

  /// Requirements are applied to the inner executor; the task stays attached.
  template <typename Property>
  auto require(const Property& p) const
      -> basic_task_executor<
          std::decay_t<decltype(boost::asio::require(std::declval<const Inner&>(), p))>,
          detail::tracked_after<Property, Tracked>()> {
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

  void acquire() noexcept {
    if (task_ && !detail::retain_task(task_, generation_)) task_ = nullptr;
  }
  void release() noexcept {
    if (task_) detail::release_task(task_, generation_);
    task_ = nullptr;
  }

  Inner inner_;
  detail::task_record* task_;
  std::uint32_t generation_;
};

/// The executor type `probe::executor` returns.
using task_executor = basic_task_executor<boost::asio::io_context::executor_type, false>;

}  // namespace coroscope
