// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Cases found in review that once crashed, hung or miscounted.
#include <gtest/gtest.h>

#include <thread>

#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "co_test.hpp"
#include "coroscope/coroscope.hpp"
#include "snapshot_lookup.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

asio::awaitable<void> timed_wait(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  TIMED_AWAIT_AS("branch.wait", timer.async_wait(asio::use_awaitable));
}

asio::awaitable<void> short_job() { co_return; }

}  // namespace

// Awaitable operators run both branches as coroutines of the same task; their timed awaits
// overlap and end in any order. On two threads the task runs in a strand: the operators'
// cancellation signals are not thread-safe (Asio's rule; TSan reports the race without).
TEST(Regression, TimedAwaitsInParallelBranchesOfOneTask) {
  using namespace asio::experimental::awaitable_operators;
  asio::io_context io;
  coroscope::probe probe{io};
  std::exception_ptr failure;
  asio::co_spawn(asio::make_strand(probe.executor("racer")), []() -> asio::awaitable<void> {
    for (int i = 0; i < 20; ++i) co_await (timed_wait(1ms) && timed_wait(2ms));
    for (int i = 0; i < 20; ++i) co_await (timed_wait(2ms) || timed_wait(1ms));
  }(), [&](std::exception_ptr e) { failure = e; });
  probe.run(2);
  if (failure) std::rethrow_exception(failure);
  const auto s = probe.snapshot();
  const auto* site = coroscope::test::find_site(s, "branch.wait");
  ASSERT_NE(site, nullptr);
  EXPECT_EQ(site->count, 80u);  // `||` cancels the slower branch: its await still ends
  EXPECT_EQ(coroscope::test::find_task(s, "racer")->state, coroscope::task_state::completed);
}

// A saved executor used again after its task completed must not leak io_context work
// (run() would never return) nor revive the task: the second co_spawn is a task of its own.
TEST(Regression, ReusingCompletedTasksExecutorLetsRunReturn) {
  asio::io_context io;
  coroscope::probe probe{io, {.retain_completed_max = 0}};
  const auto ex = probe.executor("reused");
  asio::co_spawn(ex, short_job(), asio::detached);
  probe.run(1);
  (void)probe.snapshot();  // evicts the completed task
  io.restart();
  asio::co_spawn(ex, short_job(), asio::detached);
  probe.run(1);  // returns: this is the assertion (ctest's timeout catches a hang)
  const auto s = probe.snapshot();
  EXPECT_EQ(s.tasks_spawned, 2u);
  EXPECT_EQ(s.tasks_completed, 2u);
  for (const auto& t : s.tasks) EXPECT_EQ(t.state, coroscope::task_state::completed);
}

// Probes created and destroyed on several threads at once: the collector thread must not
// be stopped by one while another starts it.
TEST(Regression, ConcurrentProbeChurn) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < 25; ++i) {
        asio::io_context io;
        coroscope::probe probe{io};
        asio::co_spawn(probe.executor("churn"), short_job(), asio::detached);
        probe.run(1);
        EXPECT_EQ(probe.snapshot().tasks_completed, 1u);
      }
    });
  }
  for (auto& t : threads) t.join();
}
