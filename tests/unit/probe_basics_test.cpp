// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "co_test.hpp"
#include "coroscope/coroscope.hpp"
#include "snapshot_lookup.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using coroscope::test::find_task;

namespace {

asio::awaitable<void> yield_times(int n) {
  for (int i = 0; i < n; ++i) co_await asio::post(asio::use_awaitable);
}

}  // namespace

TEST(Probe, TaskIsTrackedWithPollsAndCompletion) {
  asio::io_context io;
  coroscope::probe probe{io, {.service_name = "unit"}};
  coroscope::test::run_task(probe, "yielder", yield_times(10));
  const auto s = probe.snapshot();
  const auto* t = find_task(s, "yielder");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->state, coroscope::task_state::completed);
  // The first poll is co_spawn's entry (woken from the main thread); every post after it is
  // one self-wake and one poll (Asio's work_dispatcher re-entering the executor inline is
  // the same poll, not a second one).
  EXPECT_EQ(t->self_wakes, 10u);
  EXPECT_EQ(t->polls, 11u);
  EXPECT_EQ(t->wakes, t->polls);
  EXPECT_EQ(s.tasks_spawned, 1u);
  EXPECT_EQ(s.tasks_completed, 1u);
  EXPECT_EQ(s.service_name, "unit");
  EXPECT_NE(t->spawn_location.file.find("co_test.hpp"), std::string::npos);
}

TEST(Probe, BusyTimeMatchesPlantedCpuBurn) {
  asio::io_context io;
  coroscope::probe probe{io};
  // Busy is wall time inside polls; on a loaded machine a 20 ms CPU burn takes longer, so
  // the expectation is the burns' measured wall time.
  std::chrono::nanoseconds burn_wall{0}, shortest_burn{std::chrono::hours(1)};
  coroscope::test::run_task(
      probe, "burner",
      [](std::chrono::nanoseconds& total, std::chrono::nanoseconds& shortest)
          -> asio::awaitable<void> {
        for (int i = 0; i < 5; ++i) {
          const auto start = std::chrono::steady_clock::now();
          coroscope::test::burn_cpu(20ms);
          const auto took = std::chrono::steady_clock::now() - start;
          total += took;
          shortest = std::min<std::chrono::nanoseconds>(shortest, took);
          co_await asio::post(asio::use_awaitable);
        }
      }(burn_wall, shortest_burn));
  const auto s = probe.snapshot();
  const auto* t = find_task(s, "burner");
  ASSERT_NE(t, nullptr);
  // A poll the probe did not choose to time exactly is measured by its coarse clock, to
  // within one stamp (1 ms); the others exactly.
  EXPECT_GE(t->busy, burn_wall - 1ms);
  EXPECT_LE(t->busy, burn_wall + 10ms);
  EXPECT_EQ(t->slow_polls, 5u);  // 20 ms or more each, over the 10 ms default
  EXPECT_GE(t->poll_times.max, 20ms);
  EXPECT_LE(t->poll_times.p10, shortest_burn * 11 / 10);  // histogram buckets are ~3% wide
}

TEST(Probe, TimedAwaitCountsSlowAwaits) {
  asio::io_context io;
  // Every poll timed: busy and scheduled are measured, not estimated from a few polls (under
  // TSan one slow sampled poll, times the poll count, ate most of the idle time).
  coroscope::probe probe{io, {.slow_await_threshold = 20ms, .timing_interval = 1}};
  coroscope::test::run_task(probe, "sleeper", []() -> asio::awaitable<void> {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (int i = 0; i < 5; ++i) {
      timer.expires_after(30ms);
      TIMED_AWAIT_AS("timer.wait", timer.async_wait(asio::use_awaitable));
    }
  }());
  const auto s = probe.snapshot();
  const auto* site = coroscope::test::find_site(s, "timer.wait");
  ASSERT_NE(site, nullptr);
  EXPECT_EQ(site->count, 5u);
  EXPECT_EQ(site->slow_count, 5u);
  // An await the probe did not choose to time exactly is measured by its coarse clock, to
  // within one stamp (1 ms).
  EXPECT_GE(site->total, 150ms - 5ms);
  EXPECT_LT(site->total, 400ms);
  EXPECT_GE(site->max, 30ms);
  const auto* t = find_task(s, "sleeper");
  ASSERT_NE(t, nullptr);
  const auto* w = coroscope::test::find_warning(s, "slow-await", t->id);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->occurrences, 5u);
  EXPECT_NE(w->message.find("timer.wait"), std::string::npos);
  // Suspended on the timer (5 x 30 ms), not runnable: most of that is idle. Not all of
  // it: under TSan a poll here takes milliseconds.
  EXPECT_GE(t->idle, 100ms);
}

// Scheduling latency is measured on a post's wake only. A task whose first dispatch waited
// long in the queue, and which then sleeps on timers, was scheduled once: that latency is
// not every poll's (it was extrapolated to the timer wakes, and the sleep read as scheduled).
TEST(Probe, TimerWakesAreIdleNotScheduled) {
  asio::io_context io;
  coroscope::probe probe{io, {.timing_interval = 1}};
  // Ahead of the task's first poll. On a loaded machine 40 ms of CPU take longer: the
  // bounds below are the burn's wall time.
  std::chrono::nanoseconds burn_wall{0};
  asio::post(io, [&burn_wall] {
    const auto start = std::chrono::steady_clock::now();
    coroscope::test::burn_cpu(40ms);
    burn_wall = std::chrono::steady_clock::now() - start;
  });
  coroscope::test::run_task(probe, "sleeper", []() -> asio::awaitable<void> {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (int i = 0; i < 5; ++i) {
      timer.expires_after(30ms);
      co_await timer.async_wait(asio::use_awaitable);
    }
  }());
  const auto s = probe.snapshot();
  const auto* t = find_task(s, "sleeper");
  ASSERT_NE(t, nullptr);
  ASSERT_GE(t->polls, 6u);
  EXPECT_GE(t->scheduled, 40ms);  // its first poll waited behind the burn
  // ... and only that one was scheduled (extrapolated to the 6 polls it would be 6 times).
  EXPECT_LT(t->scheduled, 2 * burn_wall);
  EXPECT_GE(t->idle, 100ms);       // the 5 x 30 ms on the timer
}

TEST(Probe, TimedAwaitNamesSiteAfterExpression) {
  asio::io_context io;
  coroscope::probe probe{io};
  coroscope::test::run_task(probe, "t", []() -> asio::awaitable<void> {
    const int value = TIMED_AWAIT([]() -> asio::awaitable<int> { co_return 42; }());
    EXPECT_EQ(value, 42);
  }());
  const auto s = probe.snapshot();
  ASSERT_EQ(s.await_sites.size(), 1u);
  EXPECT_NE(s.await_sites[0].name.find("co_return 42"), std::string::npos);
  EXPECT_NE(s.await_sites[0].file.find("probe_basics_test.cpp"), std::string::npos);
  EXPECT_GT(s.await_sites[0].line, 0u);
  EXPECT_EQ(s.await_sites[0].count, 1u);
}

TEST(Probe, ChildSpawnedInsideTaskHasParent) {
  asio::io_context io;
  coroscope::probe probe{io};
  coroscope::test::run_task(probe, "parent", []() -> asio::awaitable<void> {
    co_await coroscope::co_spawn(co_await asio::this_coro::executor, "child",
                                 yield_times(2), asio::use_awaitable);
  }());
  const auto s = probe.snapshot();
  const auto* parent = find_task(s, "parent");
  const auto* child = find_task(s, "child");
  ASSERT_NE(parent, nullptr);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->parent_id, parent->id);
  EXPECT_EQ(parent->parent_id, 0u);
  EXPECT_EQ(child->state, coroscope::task_state::completed);
}

TEST(Probe, PlainCoSpawnInsideTaskAlsoHasParent) {
  asio::io_context io;
  coroscope::probe probe{io};
  // Coroutine lambdas take what they need as parameters: captures would dangle.
  coroscope::test::run_task(probe, "outer", [](coroscope::probe& p) -> asio::awaitable<void> {
    asio::co_spawn(p.executor("inner"), yield_times(1), asio::detached);
    co_return;
  }(probe));
  const auto s = probe.snapshot();
  ASSERT_NE(find_task(s, "inner"), nullptr);
  EXPECT_EQ(find_task(s, "inner")->parent_id, find_task(s, "outer")->id);
}

TEST(Probe, TaskEndingWithExceptionIsCompletedAndFailed) {
  asio::io_context io;
  coroscope::probe probe{io};
  std::exception_ptr error;
  coroscope::co_spawn(probe, "thrower", []() -> asio::awaitable<void> {
    co_await asio::post(asio::use_awaitable);
    throw std::runtime_error("boom");
  }(), [&](std::exception_ptr e) { error = e; });
  probe.run(1);
  ASSERT_TRUE(error);
  const auto s = probe.snapshot();
  const auto* t = find_task(s, "thrower");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->state, coroscope::task_state::completed);
  EXPECT_TRUE(t->failed);
}

TEST(Probe, RunRethrowsHandlerException) {
  asio::io_context io;
  coroscope::probe probe{io};
  asio::post(io, [] { throw std::logic_error("handler failed"); });
  EXPECT_THROW(probe.run(2), std::logic_error);
}

TEST(Probe, LiveTaskShowsAsIdleThenCompleted) {
  asio::io_context io;
  coroscope::probe probe{io};
  asio::steady_timer gate(io, std::chrono::steady_clock::time_point::max());
  asio::co_spawn(probe.executor("waiter"), [](asio::steady_timer& timer) -> asio::awaitable<void> {
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }(gate), asio::detached);
  io.poll();  // run the task up to its wait
  auto s = probe.snapshot();
  ASSERT_NE(find_task(s, "waiter"), nullptr);
  EXPECT_EQ(find_task(s, "waiter")->state, coroscope::task_state::idle);
  EXPECT_EQ(s.live_tasks, 1u);
  gate.cancel();
  io.run();
  s = probe.snapshot();
  EXPECT_EQ(find_task(s, "waiter")->state, coroscope::task_state::completed);
  EXPECT_EQ(s.live_tasks, 0u);
}

// The collector's thread yields to the program: a batch thread, it never preempts a
// worker when its timer wakes it (see ARCHITECTURE.md, "The collector never preempts").
TEST(Probe, CollectorThreadIsABatchThread) {
  bool batch_allowed = false;  // a sandbox may refuse it; the collector then keeps its policy
  std::thread([&batch_allowed] {
    const sched_param batch{};
    batch_allowed = pthread_setschedparam(pthread_self(), SCHED_BATCH, &batch) == 0;
  }).join();
  if (!batch_allowed) GTEST_SKIP() << "this system refuses SCHED_BATCH";
  asio::io_context io;
  coroscope::probe probe{io};
  const auto collector_policy = []() -> int {
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
      std::ifstream comm(task.path() / "comm");
      std::string name;
      if (std::getline(comm, name) && name == "coroscope-coll")
        return sched_getscheduler(static_cast<pid_t>(std::stol(task.path().filename().string())));
    }
    return -1;
  };
  // The thread names itself and sets its policy as it starts, maybe after the probe's constructor.
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (collector_policy() != SCHED_BATCH && std::chrono::steady_clock::now() < give_up)
    std::this_thread::yield();
  EXPECT_EQ(collector_policy(), SCHED_BATCH);
}
