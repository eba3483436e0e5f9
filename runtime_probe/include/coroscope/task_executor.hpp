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

#include "coroscope/detail/task_record.hpp"

namespace coroscope {

/// An Asio executor that runs work on an inner io_context executor and names the task that
/// `co_spawn` on it makes. Get one from `probe::executor`. Every coroutine is a task
/// whatever its executor; this one only carries a name and a spawn site for the first
/// co_spawn on it (further co_spawns on copies of it, such as `this_coro::executor` inside
/// that task, make tasks named after their coroutines). It routes completions through
/// itself, as any executor that is not the io_context's own does: `coroscope::co_spawn`
/// names a task without that.
template <typename Inner>
class basic_task_executor {
 public:
  basic_task_executor(const Inner& inner, detail::task_record* task,
                      std::uint32_t generation) noexcept
      : inner_(inner), task_(task), generation_(generation) {}

  /// Runs `f` on the inner executor.
  template <typename F>
  void execute(F&& f) const {
    inner_.execute(std::forward<F>(f));
  }

  /// Queries are answered by the inner executor.
  template <typename Property>
  auto query(const Property& p) const
      noexcept(noexcept(boost::asio::query(std::declval<const Inner&>(), p)))
          -> decltype(boost::asio::query(std::declval<const Inner&>(), p)) {
    return boost::asio::query(inner_, p);
  }

  /// Requirements are applied to the inner executor; the name stays attached.
  template <typename Property>
  auto require(const Property& p) const -> basic_task_executor<
      std::decay_t<decltype(boost::asio::require(std::declval<const Inner&>(), p))>> {
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
  /// The named record, or nullptr for an untracked executor. Internal.
  detail::task_record* task_record() const noexcept { return task_; }
  std::uint32_t task_generation() const noexcept { return generation_; }

  /// Internal (the spawn hook): the record waiting for this executor's first co_spawn;
  /// nullptr when it has been taken or the executor is untracked.
  detail::task_record* claim_record() const noexcept {
    if (!task_ || task_->generation.load(std::memory_order_relaxed) != generation_)
      return nullptr;
    auto expected = detail::record_state::created;
    return task_->state.compare_exchange_strong(expected, detail::record_state::live,
                                                std::memory_order_acq_rel)
               ? task_
               : nullptr;
  }

 private:
  template <typename>
  friend class basic_task_executor;

  Inner inner_;
  detail::task_record* task_;
  std::uint32_t generation_;
};

/// The executor type `probe::executor` returns.
using task_executor = basic_task_executor<boost::asio::io_context::executor_type>;

}  // namespace coroscope
