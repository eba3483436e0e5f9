// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// A timed operation's wait goes to its I/O object (the snapshot's resources) when the
// operation completes. Until then the aggregator keeps it in a fixed table: a long wait
// must keep its place there while many short operations start and complete around it.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "coroscope/coroscope.hpp"

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using namespace std::chrono_literals;

namespace {

constexpr int kShortWaits = 20000;  // the table has 8,192 slots

awaitable<void> wait_for_gate(asio::steady_timer& gate, bool& cancelled) {
  const auto [ec] = co_await gate.async_wait(asio::as_tuple(use_awaitable));
  cancelled = ec == asio::error::operation_aborted;
}

awaitable<void> many_short_waits(coroscope::probe& probe, asio::steady_timer& gate, int& done) {
  asio::steady_timer tick(co_await asio::this_coro::executor);
  for (int i = 1; i <= kShortWaits; ++i) {
    tick.expires_after(0s);
    co_await tick.async_wait(use_awaitable);
    ++done;
    // A snapshot drains every ring: this one's never fills, whenever the collector runs.
    if (i % 500 == 0) probe.snapshot();
  }
  gate.cancel();
}

}  // namespace

TEST(ResourceWaits, ALongWaitOutlivesManyShortOperations) {
  asio::io_context io;
  coroscope::probe probe{io, {.timing_interval = 1}};  // every operation timed
  asio::steady_timer gate(io, asio::steady_timer::time_point::max());
  bool cancelled = false;
  int done = 0;
  asio::co_spawn(io, wait_for_gate(gate, cancelled), asio::detached);
  asio::co_spawn(io, many_short_waits(probe, gate, done), asio::detached);
  probe.run(1);
  ASSERT_TRUE(cancelled);
  ASSERT_EQ(done, kShortWaits);

  const auto s = probe.snapshot();
  ASSERT_EQ(s.dropped_events, 0u) << "the ring filled: the counts below would be short";
  // The gate's one wait, started before the 20,000 others and completed after them.
  std::vector<std::uint64_t> timed;
  for (const auto& r : s.resources) {
    if (r.kind != "timer") continue;
    timed.push_back(r.timed_operations);
    if (r.timed_operations == 1) {
      EXPECT_EQ(r.waits.count, 1u);
    }
  }
  std::sort(timed.begin(), timed.end());
  const std::vector<std::uint64_t> expected{1, kShortWaits};
  EXPECT_EQ(timed, expected);
}
