// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <exception>
#include <source_location>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>

#include "coroscope/detail/spawn_request.hpp"
#include "coroscope/probe.hpp"

namespace coroscope {
namespace detail {

/// Marks the task being polled on this thread as having ended with an exception.
void mark_current_task_failed() noexcept;

/// Runs `a` and marks the task failed when it ends with an exception.
template <typename T, typename Executor>
boost::asio::awaitable<T, Executor> record_failure(boost::asio::awaitable<T, Executor> a) {
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

/// Where a named task is spawned: a probe's io_context, or any executor.
inline auto spawn_target(probe& p) { return p.context().get_executor(); }
template <typename Inner>
Inner spawn_target(const basic_task_executor<Inner>& ex) {
  return ex.inner_executor();  // the name given here wins over the executor's
}
template <typename Executor>
const Executor& spawn_target(const Executor& ex) {
  return ex;
}

}  // namespace detail

/// `boost::asio::co_spawn` of a task named `name`. `where` is a probe or any executor (an
/// io_context's, a strand, `co_await boost::asio::this_coro::executor` inside a task: the
/// new task is the running task's child, as with every co_spawn). The task is marked
/// failed when the coroutine ends with an exception. Without a probe on the executor's
/// io_context it is a plain co_spawn.
template <typename Where, typename T, typename AwaitableExecutor, typename CompletionToken>
auto co_spawn(Where&& where, std::string_view name, boost::asio::awaitable<T, AwaitableExecutor> a,
              CompletionToken&& token,
              std::source_location location = std::source_location::current()) {
  detail::request_spawn_name(name, location);
  return boost::asio::co_spawn(detail::spawn_target(where), detail::record_failure(std::move(a)),
                               std::forward<CompletionToken>(token));
}

}  // namespace coroscope
