// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <exception>
#include <functional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "coroscope/probe.hpp"

namespace coroscope::test {

/// Spawns `body` as a tracked task named `name` on `p`, runs the probe on `threads`
/// workers until the io_context is out of work, and rethrows what the task threw (so
/// gtest assertions inside coroutines surface as failures).
inline void run_task(probe& p, const char* name, boost::asio::awaitable<void> body,
                     unsigned threads = 1) {
  std::exception_ptr failure;
  boost::asio::co_spawn(p.executor(name), std::move(body),
                        [&](std::exception_ptr e) { failure = e; });
  p.run(threads);
  if (failure) std::rethrow_exception(failure);
}

/// Suspends the calling coroutine once: it is posted back to its own executor.
inline boost::asio::awaitable<void> yield_once() {
  co_await boost::asio::post(co_await boost::asio::this_coro::executor, boost::asio::use_awaitable);
}

/// Spins the CPU of this thread for `ns` of thread CPU time.
void burn_cpu(std::chrono::nanoseconds ns);

}  // namespace coroscope::test
