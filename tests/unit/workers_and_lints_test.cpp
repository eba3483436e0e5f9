// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <gtest/gtest.h>

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstdlib>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "co_test.hpp"
#include "coroscope/coroscope.hpp"
#include "coroscope/detail/coarse_clock.hpp"
#include "coroscope/detail/task_record.hpp"
#include "snapshot_lookup.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using coroscope::test::find_task;
using coroscope::test::find_warning;

namespace {

asio::awaitable<void> wait_timers(int n, std::chrono::milliseconds each) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0; i < n; ++i) {
    timer.expires_after(each);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace

TEST(Workers, TwoWorkersReportParks) {
  asio::io_context io;
  coroscope::probe probe{io};
  coroscope::test::run_task(probe, "timers", wait_timers(5, 10ms), 2);
  const auto s = probe.snapshot();
  ASSERT_EQ(s.workers.size(), 2u);
  for (const auto& w : s.workers) {
    EXPECT_GE(w.parks, 1u) << "worker " << w.index;
    EXPECT_GT(w.park_time, 0ns) << "worker " << w.index;
    EXPECT_FALSE(w.running);
  }
  // One worker waits in epoll_wait for the timers most of the 50 ms.
  EXPECT_GE(s.workers[0].park_time + s.workers[1].park_time, 40ms);
  EXPECT_EQ(s.workers[0].polls + s.workers[1].polls, find_task(s, "timers")->polls);
}

// While every worker is parked the collector stops stamping the coarse clock (for 100 ms
// at a time). Whoever runs a handler next stamps it first, so that the handler's poll is
// timed from a stamp made after the doze: a worker that unparks, and a thread that is no
// worker (a task resumed on a thread pool).
bool clock_dozes_within_a_minute() {
  using coroscope::detail::coarse_clock;
  using coroscope::detail::g_coarse_clock;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (g_coarse_clock.dozing.load() != coarse_clock::asleep &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  return g_coarse_clock.dozing.load() == coarse_clock::asleep;
}

void expect_a_stamp_before_the_handler(bool on_a_worker) {
  using coroscope::detail::g_coarse_clock;
  asio::io_context io;
  coroscope::probe probe{io};
  auto guard = asio::make_work_guard(io);
  std::thread worker([&] { io.run(); });
  // The pool's thread is parked before the doze: only the handler posted below may end it.
  asio::thread_pool pool(1);
  std::promise<void> pool_ran;
  asio::post(pool, [&] { pool_ran.set_value(); });
  pool_ran.get_future().wait();
  ASSERT_TRUE(clock_dozes_within_a_minute()) << "the collector never dozed with its worker parked";
  const std::uint64_t dozed_at = g_coarse_clock.read_seq();
  std::promise<std::uint64_t> seen;
  const auto handler = [&] { seen.set_value(g_coarse_clock.read_seq()); };
  if (on_a_worker)
    asio::post(io, handler);
  else
    asio::post(pool, handler);
  EXPECT_GT(seen.get_future().get(), dozed_at);
  pool.join();
  guard.reset();
  worker.join();
}

TEST(Workers, AnUnparkingWorkerStampsTheDozingClock) { expect_a_stamp_before_the_handler(true); }

TEST(Workers, AHandlerOnAnotherThreadStampsTheDozingClock) { expect_a_stamp_before_the_handler(false); }

// A thread of no probe's that parks (here in another io_context's run loop, no handler to
// run) reads no stamp: the clock goes on dozing. Tried a few times, as the doze may time
// out (every 100 ms) just as the park ends.
TEST(Workers, AParkOutsideTheProbeLeavesTheClockDozing) {
  using coroscope::detail::coarse_clock;
  using coroscope::detail::g_coarse_clock;
  asio::io_context io;
  coroscope::probe probe{io};
  auto guard = asio::make_work_guard(io);
  std::thread worker([&] { io.run(); });
  asio::io_context other;
  auto other_guard = asio::make_work_guard(other);
  bool still_asleep = false;
  for (int attempt = 0; attempt < 5 && !still_asleep; ++attempt) {
    if (!clock_dozes_within_a_minute()) {
      ADD_FAILURE() << "the collector never dozed with its worker parked";
      break;
    }
    other.run_for(1ms);  // a timed condvar wait in Asio's scheduler: a park
    still_asleep = g_coarse_clock.dozing.load() == coarse_clock::asleep;
    other.restart();
  }
  EXPECT_TRUE(still_asleep) << "every park of a thread outside the probe ended the doze";
  guard.reset();
  worker.join();
}

TEST(Workers, BusyRatioReflectsCpuWork) {
  asio::io_context io;
  coroscope::probe probe{io};
  coroscope::test::run_task(probe, "burn", []() -> asio::awaitable<void> {
    coroscope::test::burn_cpu(50ms);
    co_return;
  }());
  const auto s = probe.snapshot();
  ASSERT_EQ(s.workers.size(), 1u);
  EXPECT_GT(s.workers[0].busy_ratio, 0.5);
  EXPECT_LE(s.workers[0].busy_ratio, 1.01);
}

// The task sets a trace context, then yields while a blocker occupies one of the two
// workers, so the resumption runs on whichever worker is free; repeated until that is the
// other worker (each attempt does so with about even odds).
TEST(TraceContext, SurvivesHopToAnotherWorker) {
  asio::io_context io;
  coroscope::probe probe{io};
  const auto ctx = coroscope::trace_context::from_traceparent(
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  coroscope::test::run_task(probe, "traced", [](asio::io_context& io,
                                                coroscope::trace_context ctx) -> asio::awaitable<void> {
    EXPECT_TRUE(coroscope::this_task::set_trace_context(ctx));
    const auto first_thread = std::this_thread::get_id();
    bool hopped = false;
    for (int attempt = 0; attempt < 200 && !hopped; ++attempt) {
      auto release = std::make_shared<std::atomic<bool>>(false);
      asio::post(io, [release] { release->wait(false); });
      co_await asio::post(asio::use_awaitable);
      hopped = std::this_thread::get_id() != first_thread;
      release->store(true);
      release->notify_all();
    }
    EXPECT_TRUE(hopped);
    EXPECT_EQ(coroscope::this_task::current_trace_context(), std::optional(ctx));
  }(io, ctx), 2);
  const auto s = probe.snapshot();
  const auto* t = find_task(s, "traced");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t->span_id, "00f067aa0ba902b7");
  EXPECT_GE(t->migrations, 1u);
  EXPECT_GE(s.workers[0].steals + s.workers[1].steals, 1u);
}

TEST(TraceContext, OutsideTaskIsRejected) {
  const auto ctx = coroscope::trace_context::from_hex("4bf92f3577b34da6a3ce929d0e0e4736",
                                                      "00f067aa0ba902b7");
  EXPECT_FALSE(coroscope::this_task::set_trace_context(ctx));
  EXPECT_FALSE(coroscope::this_task::current_trace_context().has_value());
}

TEST(Lints, BlockingSleepInPollRaisesLongPollAndBlockingCall) {
  asio::io_context io;
  coroscope::probe probe{io, {.collect_interval = 2ms}};
  coroscope::test::run_task(probe, "sleeper", []() -> asio::awaitable<void> {
    std::this_thread::sleep_for(80ms);
    co_return;
  }(), 2);
  const auto s = probe.snapshot();
  const auto* t = find_task(s, "sleeper");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->slow_polls, 1u);
  EXPECT_NE(find_warning(s, "long-poll", t->id), nullptr);
  const auto* blocking = find_warning(s, "blocking-call-in-task", t->id);
  ASSERT_NE(blocking, nullptr);
  EXPECT_NE(blocking->message.find("off-CPU"), std::string::npos);
}

TEST(Lints, CpuBoundPollIsLongButNotBlocking) {
  asio::io_context io;
  coroscope::probe probe{io, {.collect_interval = 2ms}};
  coroscope::test::run_task(probe, "spinner", []() -> asio::awaitable<void> {
    coroscope::test::burn_cpu(80ms);
    co_return;
  }());
  const auto s = probe.snapshot();
  const auto* t = find_task(s, "spinner");
  ASSERT_NE(t, nullptr);
  EXPECT_NE(find_warning(s, "long-poll", t->id), nullptr);
  EXPECT_EQ(find_warning(s, "blocking-call-in-task", t->id), nullptr);
}

// A worker that shares its CPU with other busy threads is off-CPU for most of a long poll
// without blocking. Kernels without schedstats cannot say it waited in the run queue; it
// must still not read as a blocking call.
TEST(Lints, PreemptedPollIsLongButNotBlocking) {
  asio::io_context io;
  coroscope::probe probe{io, {.collect_interval = 2ms}};
  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof saved, &saved), 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(sched_getcpu(), &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);  // the workers inherit it
  std::atomic<bool> stop{false};
  std::vector<std::thread> rivals;
  for (int i = 0; i < 3; ++i)
    rivals.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
      }
    });
  coroscope::test::run_task(probe, "crowded", []() -> asio::awaitable<void> {
    coroscope::test::burn_cpu(60ms);
    co_return;
  }());
  stop = true;
  for (auto& rival : rivals) rival.join();
  ASSERT_EQ(sched_setaffinity(0, sizeof saved, &saved), 0);
  const auto s = probe.snapshot();
  const auto* t = find_task(s, "crowded");
  ASSERT_NE(t, nullptr);
  EXPECT_NE(find_warning(s, "long-poll", t->id), nullptr);
  EXPECT_EQ(find_warning(s, "blocking-call-in-task", t->id), nullptr);
}

TEST(Lints, NeverYielded) {
  asio::io_context io;
  coroscope::probe probe{io, {.never_yielded_threshold = 50ms}};
  coroscope::test::run_task(probe, "hog", []() -> asio::awaitable<void> {
    coroscope::test::burn_cpu(70ms);
    co_return;
  }());
  coroscope::test::run_task(probe, "polite", wait_timers(1, 1ms));
  const auto s = probe.snapshot();
  EXPECT_NE(find_warning(s, "never-yielded", find_task(s, "hog")->id), nullptr);
  EXPECT_EQ(find_warning(s, "never-yielded", find_task(s, "polite")->id), nullptr);
}

TEST(Lints, SelfWakes) {
  asio::io_context io;
  coroscope::probe probe{io};
  coroscope::test::run_task(probe, "spinner", []() -> asio::awaitable<void> {
    for (int i = 0; i < 20; ++i) co_await asio::post(asio::use_awaitable);
  }());
  coroscope::test::run_task(probe, "sleeper", wait_timers(20, 1ms));
  const auto s = probe.snapshot();
  const auto* w = find_warning(s, "self-wakes", find_task(s, "spinner")->id);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->occurrences, find_task(s, "spinner")->self_wakes);
  EXPECT_EQ(find_warning(s, "self-wakes", find_task(s, "sleeper")->id), nullptr);
}

TEST(Lints, StuckTaskIdleWithNoPendingWake) {
  asio::io_context io;
  coroscope::probe probe{io, {.stuck_threshold = 30ms}};
  asio::steady_timer gate(io, std::chrono::steady_clock::time_point::max());
  asio::co_spawn(probe.executor("stuck"), [](asio::steady_timer& g) -> asio::awaitable<void> {
    boost::system::error_code ec;
    co_await g.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }(gate), asio::detached);
  asio::co_spawn(probe.executor("busy"), wait_timers(1000, 1ms), asio::detached);
  // Snapshots every 10 ms until "stuck" is reported (at most 10 s: a slow start under a
  // sanitizer must not fail it), while "busy" still runs.
  coroscope::snapshot during;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    asio::steady_timer check(io);
    for (int i = 0; i < 1000; ++i) {
      check.expires_after(10ms);
      co_await check.async_wait(asio::use_awaitable);
      during = probe.snapshot();
      const auto* t = find_task(during, "stuck");
      if (t && find_warning(during, "stuck", t->id)) break;
    }
    gate.cancel();
  }, asio::detached);
  probe.run(1);
  const auto* stuck = find_task(during, "stuck");
  const auto* busy = find_task(during, "busy");
  ASSERT_NE(stuck, nullptr);
  ASSERT_NE(busy, nullptr);
  EXPECT_NE(find_warning(during, "stuck", stuck->id), nullptr);
  EXPECT_NE(busy->state, coroscope::task_state::completed) << "still at work, never idle long";
  EXPECT_EQ(find_warning(during, "stuck", busy->id), nullptr);
}

// A task idle past the threshold is one occurrence however many ticks it stays so; each
// later idle stretch is one more.
TEST(Lints, StuckCountsIdleStretchesNotTicks) {
  constexpr auto kThreshold = 30ms;
  asio::io_context io;
  coroscope::probe probe{io, {.stuck_threshold = kThreshold}};
  asio::steady_timer first(io, std::chrono::steady_clock::time_point::max());
  asio::steady_timer second(io, std::chrono::steady_clock::time_point::max());
  asio::co_spawn(probe.executor("stuck"),
                 [](asio::steady_timer& a, asio::steady_timer& b) -> asio::awaitable<void> {
                   boost::system::error_code ec;
                   co_await a.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                   co_await b.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                 }(first, second),
                 asio::detached);
  // The stuck task's warning count once it has been idle `thresholds` thresholds in all (snapshots
  // every 10 ms; at most 10 s, for a slow start under a sanitizer).
  const auto occurrences_after = [&](int thresholds) -> asio::awaitable<std::uint64_t> {
    asio::steady_timer check(io);
    std::uint64_t seen = 0;
    for (int i = 0; i < 1000; ++i) {
      const auto s = probe.snapshot();
      const auto* t = find_task(s, "stuck");
      const auto* w = t ? find_warning(s, "stuck", t->id) : nullptr;
      seen = w ? w->occurrences : 0;
      const auto enough =
          thresholds * std::chrono::duration_cast<std::chrono::nanoseconds>(kThreshold);
      if (w && t->idle >= enough) break;
      check.expires_after(10ms);
      co_await check.async_wait(asio::use_awaitable);
    }
    co_return seen;
  };
  std::uint64_t in_first = 0, in_second = 0;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    in_first = co_await occurrences_after(4);  // reported over several ticks by now
    first.cancel();
    asio::steady_timer check(io);
    for (int i = 0; i < 1000; ++i) {  // until the second stretch is reported
      const auto s = probe.snapshot();
      const auto* t = find_task(s, "stuck");
      if (const auto* w = find_warning(s, "stuck", t->id); w && w->occurrences > in_first) break;
      check.expires_after(10ms);
      co_await check.async_wait(asio::use_awaitable);
    }
    in_second = co_await occurrences_after(8);
    second.cancel();
  }, asio::detached);
  probe.run(1);
  EXPECT_EQ(in_first, 1u);
  EXPECT_EQ(in_second, 2u);
}

// The coarse clock keeps about a second of stamps (1024 at 1 ms); the default threshold is
// a minute. An idle time read as the age of the oldest stamp kept never got past it.
TEST(Lints, StuckPastTheCoarseClocksHistory) {
  asio::io_context io;
  coroscope::probe probe{io, {.stuck_threshold = 1500ms}};
  asio::steady_timer gate(io, std::chrono::steady_clock::time_point::max());
  asio::co_spawn(probe.executor("stuck"), [](asio::steady_timer& g) -> asio::awaitable<void> {
    boost::system::error_code ec;
    co_await g.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }(gate), asio::detached);
  coroscope::snapshot during;
  asio::steady_timer check(io, 1800ms);
  check.async_wait([&](boost::system::error_code) {
    during = probe.snapshot();
    gate.cancel();
  });
  probe.run(1);
  const auto* stuck = find_task(during, "stuck");
  ASSERT_NE(stuck, nullptr);
  EXPECT_NE(find_warning(during, "stuck", stuck->id), nullptr);
}

TEST(Retention, MemoryStaysFlatOverManyShortTasks) {
  asio::io_context io;
  coroscope::probe probe{io, {.retain_completed_max = 100}};
  std::size_t high_water = 0;
  for (int batch = 0; batch < 20; ++batch) {
    for (int i = 0; i < 1000; ++i)
      asio::co_spawn(probe.executor("short"), []() -> asio::awaitable<void> { co_return; }(),
                     asio::detached);
    io.restart();
    probe.run(1);
    const auto s = probe.snapshot();
    EXPECT_LE(s.tasks.size(), 100u);
    high_water = std::max(high_water, coroscope::detail::task_pool::in_use());
  }
  const auto s = probe.snapshot();
  EXPECT_EQ(s.tasks_spawned, 20000u);
  EXPECT_EQ(s.tasks_completed, 20000u);
  EXPECT_LE(high_water, 1100u + 100u);  // one batch plus the retained ones
}

TEST(Environment, BadValueIsReportedAndDefaultUsed) {
  ::setenv("COROSCOPE_SLOW_POLL_MS", "fast", 1);
  testing::internal::CaptureStderr();
  asio::io_context io;
  {
    coroscope::probe probe{io};
    EXPECT_EQ(probe.options().slow_poll_threshold, 10ms);
    coroscope::test::run_task(probe, "still-works", wait_timers(1, 1ms));
    EXPECT_NE(find_task(probe.snapshot(), "still-works"), nullptr);
  }
  const std::string err = testing::internal::GetCapturedStderr();
  ::unsetenv("COROSCOPE_SLOW_POLL_MS");
  EXPECT_NE(err.find("COROSCOPE_SLOW_POLL_MS"), std::string::npos);
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1);
}
