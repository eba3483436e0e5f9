// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Issue 7: the soak grew ~75 bytes per task. When a thread's event ring was full, every
// event of some tasks was dropped; no aggregator knew them, so their pool records were
// never released.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "collector.hpp"
#include "co_test.hpp"
#include "coroscope/coroscope.hpp"
#include "coroscope/detail/task_record.hpp"

namespace asio = boost::asio;
using coroscope::detail::collector;
namespace task_pool = coroscope::detail::task_pool;

namespace {

using coroscope::test::yield_once;

/// Spawns `tasks` short tasks and runs them on `workers` threads while the collector
/// cannot drain (we hold its lock): the rings fill and the rest of the events are dropped.
void run_with_full_ring(coroscope::probe& probe, int tasks, unsigned workers = 1) {
  collector::instance().with_drained([&] {
    for (int i = 0; i < tasks; ++i)
      asio::co_spawn(probe.executor("dropped"), yield_once(), asio::detached);
    probe.run(workers);
  });
}

/// Records in use once a drain has released those of earlier probes' tasks that ended
/// after their probe went (their ends wait in the pool's unreported list for a drain).
std::size_t settled_in_use() {
  return collector::instance().with_drained([] { return task_pool::in_use(); });
}

}  // namespace

TEST(PoolReclaim, RecordsOfTasksWhoseEventsWereDroppedGoBackToThePool) {
  asio::io_context io;
  coroscope::probe probe{io, {.retain_completed_max = 0}};
  const std::size_t before = settled_in_use();
  const std::uint64_t dropped_before = collector::instance().dropped_events();
  constexpr int kTasks = 20000;  // four events each: far more than one ring holds
  run_with_full_ring(probe, kTasks);
  ASSERT_GT(collector::instance().dropped_events() - dropped_before,
            static_cast<std::uint64_t>(kTasks));

  // The snapshot drains what the ring kept and the queue of dropped completions, then
  // evicts every completed task (nothing is retained).
  const auto s = probe.snapshot();
  EXPECT_EQ(task_pool::in_use(), before);
  EXPECT_EQ(s.tasks_spawned, static_cast<std::uint64_t>(kTasks));
  EXPECT_EQ(s.tasks_completed, static_cast<std::uint64_t>(kTasks));
  EXPECT_EQ(s.live_tasks, 0u);
}

// Drops in one run must not cost records in the next: the pool's high-water mark stays
// put when the same load runs again.
TEST(PoolReclaim, RepeatedDropsDoNotGrowThePool) {
  asio::io_context io;
  coroscope::probe probe{io, {.retain_completed_max = 0}};
  run_with_full_ring(probe, 20000);
  (void)probe.snapshot();
  const std::size_t capacity = task_pool::capacity();
  for (int round = 0; round < 3; ++round) {
    io.restart();
    run_with_full_ring(probe, 20000);
    (void)probe.snapshot();
  }
  EXPECT_EQ(task_pool::capacity(), capacity);
}

// Two workers complete tasks and queue dropped completions at the same time (a TSan case).
TEST(PoolReclaim, DroppedCompletionsFromSeveralWorkers) {
  asio::io_context io;
  coroscope::probe probe{io, {.retain_completed_max = 0}};
  const std::size_t before = settled_in_use();
  constexpr int kTasks = 40000;
  run_with_full_ring(probe, kTasks, 2);
  const auto s = probe.snapshot();
  EXPECT_EQ(task_pool::in_use(), before);
  EXPECT_EQ(s.tasks_spawned, static_cast<std::uint64_t>(kTasks));
  EXPECT_EQ(s.tasks_completed, static_cast<std::uint64_t>(kTasks));
}
