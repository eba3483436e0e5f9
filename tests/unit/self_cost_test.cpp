// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// snapshot::self: coroscope's own cost, measured by the probe (issue 16, item 5).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "co_test.hpp"
#include "coroscope/coroscope.hpp"
#include "ring_registry.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

using coroscope::test::yield_once;

/// CPU work the sampler can catch: a few ms of arithmetic per poll.
asio::awaitable<void> burn() {
  volatile double x = 1;
  for (int i = 0; i < 2'000'000; ++i) x = std::sqrt(x + i);
  co_await yield_once();
}

}  // namespace

TEST(SelfCost, FilledAfterSampledWork) {
  asio::io_context io;
  coroscope::probe probe{io, {.timing_interval = 1, .sample_hz = 1000}};
  probe.start_cpu_profile();
  const std::uint64_t before = probe.sampler_stats().samples;  // process-wide counters
  // Until the sampler has caught some samples (its governor may lower the rate on a
  // loaded machine), with a deadline.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  do {
    for (int i = 0; i < 20; ++i) asio::co_spawn(io, burn(), asio::detached);
    io.run();
    io.restart();
  } while (probe.sampler_stats().samples - before < 10 &&
           std::chrono::steady_clock::now() < deadline);
  const auto s = probe.snapshot();
  (void)probe.stop_cpu_profile();

  const coroscope::self_cost& c = s.self;
  std::uint64_t polls = 0;
  for (const auto& w : s.workers) polls += w.polls;
  EXPECT_EQ(c.polls, polls);
  EXPECT_GE(c.polls, 40u);  // two polls a task at least
  // timing_interval 1: every poll wrote an event, besides spawns and ends.
  EXPECT_GE(c.events, c.polls);
  EXPECT_GT(c.event_cost.count(), 0);
  EXPECT_GT(c.ns_per_poll, static_cast<double>(c.event_cost.count()));
  EXPECT_GT(c.sampler_cpu.count(), 0) << "samples: " << probe.sampler_stats().samples;
  EXPECT_GT(c.cpu_ratio, 0.0);
  EXPECT_LT(c.cpu_ratio, 1.0);
  // This thread wrote events: its ring is held, and it has a CPU sample ring as a worker.
  EXPECT_GE(c.ring_bytes, coroscope::detail::ring_registry::kRingCapacity * 48);
  EXPECT_EQ(c.recorder_bytes, 0u);  // no flight recorder yet
  EXPECT_GT(c.table_bytes, 0u);
}

TEST(SelfCost, TableBytesGrowWithTheTasksTheAggregatorKeeps) {
  asio::io_context io;
  coroscope::probe probe{io, {.retain_completed_for = 1h, .retain_completed_max = 100000}};
  asio::co_spawn(io, yield_once(), asio::detached);
  io.run();
  const std::uint64_t few = probe.snapshot().self.table_bytes;
  constexpr int kTasks = 3000;
  io.restart();
  for (int i = 0; i < kTasks; ++i) asio::co_spawn(io, yield_once(), asio::detached);
  io.run();
  const auto s = probe.snapshot();
  ASSERT_EQ(s.tasks.size(), static_cast<std::size_t>(kTasks + 1));  // all retained
  // Each kept task costs at least its statistics (two histograms, counters, strings).
  EXPECT_GT(s.self.table_bytes, few + kTasks * 256u);
}
