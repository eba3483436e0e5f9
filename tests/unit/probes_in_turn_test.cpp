// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Probes one after another on the same threads. The rings, the drop counters and the
// threads' sampling state outlive a probe; the next probe must see neither the first
// one's losses nor its sampling countdowns. Both broke
// `Summary.ShowsWhatAProbeSawWithoutAnnotations` when it ran after `PoolReclaim.*` in one
// process: it said "Dropped events: 227510" and timed none of its polls.
#include <gtest/gtest.h>

#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "collector.hpp"
#include "co_test.hpp"
#include "coroscope/coroscope.hpp"

namespace asio = boost::asio;
using coroscope::detail::collector;

namespace {

using coroscope::test::yield_once;

/// Spawns `tasks` short tasks and runs them on this thread while the collector cannot
/// drain (we hold its lock): the thread's ring fills and the rest of the events are lost.
void run_with_full_ring(coroscope::probe& probe, asio::io_context& io, int tasks) {
  collector::instance().with_drained([&] {
    for (int i = 0; i < tasks; ++i) asio::co_spawn(io, yield_once(), asio::detached);
    probe.run(1);
  });
}

}  // namespace

TEST(ProbesInTurn, ASecondProbeReportsNoDropsOfTheFirst) {
  constexpr int kTasks = 20000;  // several events each: far more than one ring holds
  {
    asio::io_context io;
    coroscope::probe first{io, {.retain_completed_max = 0}};
    run_with_full_ring(first, io, kTasks);
    const auto s = first.snapshot();
    ASSERT_GT(s.dropped_events, static_cast<std::uint64_t>(kTasks));
    EXPECT_EQ(s.tasks_spawned, static_cast<std::uint64_t>(kTasks));
  }
  // Same thread, same ring: it overflowed above and was drained when the first probe went.
  asio::io_context io;
  coroscope::probe second{io, {.timing_interval = 1}};
  for (int i = 0; i < 100; ++i) asio::co_spawn(io, yield_once(), asio::detached);
  io.run();
  const auto s = second.snapshot();
  EXPECT_EQ(s.dropped_events, 0u);
  EXPECT_EQ(s.dropped_cpu_samples, 0u);
  EXPECT_EQ(s.tasks_spawned, 100u);
  EXPECT_EQ(s.tasks_completed, 100u);
  const std::string text = coroscope::format_summary(s);
  EXPECT_NE(text.find("Dropped events: 0\n"), std::string::npos) << text;
}

// A probe that overflows a ring while another probe lives reports its own drops; the
// process-wide total goes on counting them all.
TEST(ProbesInTurn, DropsWhileAProbeLivesAreItsOwn) {
  asio::io_context io;
  coroscope::probe probe{io, {.retain_completed_max = 0}};
  const std::uint64_t process_before = collector::instance().dropped_events();
  run_with_full_ring(probe, io, 20000);
  const auto s = probe.snapshot();
  EXPECT_GT(s.dropped_events, 0u);
  EXPECT_EQ(s.dropped_events, collector::instance().dropped_events() - process_before);
}

// A fixed interval of 1 times everything a worker does from its first poll, also on a
// thread whose countdowns an adaptive probe left long (short polls: one in up to 1024 timed).
TEST(ProbesInTurn, AFixedIntervalTimesEveryOperationAfterAnAdaptiveProbe) {
  {
    asio::io_context io;
    coroscope::probe adaptive{io};
    for (int i = 0; i < 5000; ++i) asio::co_spawn(io, yield_once(), asio::detached);
    io.run();
  }
  asio::io_context io;
  coroscope::probe exact{io, {.timing_interval = 1}};
  constexpr int kTasks = 5;
  // Spawned from a handler: this thread is the new probe's worker by then (a thread that
  // is no worker keeps its countdowns until it becomes one).
  asio::post(io, [&io] {
    for (int i = 0; i < kTasks; ++i) asio::co_spawn(io, yield_once(), asio::detached);
  });
  io.run();
  const auto s = exact.snapshot();
  bool saw_post = false;
  for (const auto& k : s.operation_kinds) {
    if (k.kind != "post") continue;
    saw_post = true;
    // One post a task (the yield; co_spawn's start is the handler's, which is no task).
    // The waits count every timed post, also those no task started.
    EXPECT_EQ(k.count, static_cast<std::uint64_t>(kTasks));
    EXPECT_GE(k.waits.count, k.count) << "every post timed";
  }
  EXPECT_TRUE(saw_post);
}
