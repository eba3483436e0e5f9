// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Shared pieces of the fault tests.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <coroscope/coroscope.hpp>

#include "eventually.hpp"

namespace coroscope::fault_test {

/// coroscope::test::eventually with the fault tests' longer wait (they run beside
/// injected faults).
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  return test::eventually(done, timeout);
}

/// Burns CPU: enough iterations that CPU-time timers fire during it.
inline std::uint64_t spin(std::uint64_t iterations) {
  volatile std::uint64_t x = 0;
  for (std::uint64_t i = 0; i < iterations; ++i) x = x + i * 2654435761u;
  return x;
}

/// A short task: yields `hops` times, spinning a little each time, then counts itself.
inline boost::asio::awaitable<void> short_task(std::atomic<int>& done, int hops,
                                               std::uint64_t spin_per_hop) {
  auto ex = co_await boost::asio::this_coro::executor;
  for (int i = 0; i < hops; ++i) {
    spin(spin_per_hop);
    co_await boost::asio::post(ex, boost::asio::use_awaitable);
  }
  done.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace coroscope::fault_test
