// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <exception>
#include <source_location>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/this_coro.hpp>

#include "coroscope/detail/async_stack.hpp"
#include "coroscope/detail/task_factory.hpp"
#include "coroscope/probe.hpp"

namespace coroscope {
namespace detail {

/// Runs `a` and marks the task failed when it ends with an exception.
template <typename T, typename Executor>
boost::asio::awaitable<T, Executor> record_failure(boost::asio::awaitable<T, Executor> a) {
#if COROSCOPE_ASYNC_STACKS
  note_async_root(t_state.current_task, co_await boost::asio::this_coro::executor,
                  co_await boost::asio::detail::awaitable_thread_has_context_switched{});
#endif
  try {
    if constexpr (std::is_void_v<T>)
      co_await std::move(a);
    else
      co_return co_await std::move(a);
  } catch (...) {
    mark_current_task_failed();
    throw;
  }
}

inline task_executor executor_for(probe& p, std::string_view name,
                                  const std::source_location& location) {
  return p.executor(name, location);
}

template <typename Inner, bool Tracked>
task_executor executor_for(const basic_task_executor<Inner, Tracked>& ex, std::string_view name,
                           const std::source_location& location) {
  const task_record* t = ex.task_record();
  auto& io = boost::asio::query(ex.inner_executor(), boost::asio::execution::context);
  const bool current = t && t->generation.load(std::memory_order_relaxed) == ex.task_generation();
  return make_task_executor(current ? t->probe : probe_id_for(io), io.get_executor(), name,
                            location);
}

template <typename Allocator, std::uintptr_t Bits>
task_executor executor_for(const boost::asio::io_context::basic_executor_type<Allocator, Bits>& ex,
                           std::string_view name, const std::source_location& location) {
  auto& io = boost::asio::query(ex, boost::asio::execution::context);
  return make_task_executor(probe_id_for(io), io.get_executor(), name, location);
}

/// A type-erased executor (e.g. `co_await boost::asio::this_coro::executor`) holding a task
/// executor or an io_context executor.
template <typename Executor>
  requires requires(const Executor& ex) { ex.template target<task_executor>(); }
task_executor executor_for(const Executor& ex, std::string_view name,
                           const std::source_location& location) {
  if (const auto* task = ex.template target<task_executor>())
    return executor_for(*task, name, location);
  if (const auto* plain = ex.template target<boost::asio::io_context::executor_type>())
    return executor_for(*plain, name, location);
  throw std::invalid_argument(
      "coroscope::co_spawn: the executor is neither a probe's nor an io_context's");
}

}  // namespace detail

/// `boost::asio::co_spawn` of a named task. `where` is a probe or any executor of an
/// io_context a probe wraps (e.g. `co_await boost::asio::this_coro::executor` inside a
/// task: the new task is then that task's child). The task is marked failed when the
/// coroutine ends with an exception.
template <typename Where, typename T, typename AwaitableExecutor, typename CompletionToken>
auto co_spawn(Where&& where, std::string_view name, boost::asio::awaitable<T, AwaitableExecutor> a,
              CompletionToken&& token,
              std::source_location location = std::source_location::current()) {
  auto ex = detail::executor_for(where, name, location);
  return boost::asio::co_spawn(std::move(ex), detail::record_failure(std::move(a)),
                               std::forward<CompletionToken>(token));
}

}  // namespace coroscope
