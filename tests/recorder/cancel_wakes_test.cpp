// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Which task woke a task waiting on a timer: the flight recorder's bookkeeping of timer
// waits, cancels and polls, fed in the orders the collector may drain them.
#include <gtest/gtest.h>

#include <vector>

#include "cancel_wakes.hpp"

namespace {

using coroscope::detail::cancel_wakes;

char timers[2];
const void* const A = &timers[0];
const void* const B = &timers[1];

std::vector<cancel_wakes::wake> cancel(cancel_wakes& t, const void* timer, std::uint64_t by,
                                      std::uint64_t tick, bool all) {
  std::vector<cancel_wakes::wake> out;
  t.cancelled(timer, by, tick, all, out);
  return out;
}

}  // namespace

TEST(CancelWakes, ACancelWakesTheWaiterAndItsNextPollIsThatWake) {
  cancel_wakes t;
  t.wait_started(1, A, 100);
  const auto woken = cancel(t, A, 9, 150, true);
  ASSERT_EQ(woken.size(), 1u);
  EXPECT_EQ(woken[0].task_id, 1u);
  EXPECT_EQ(woken[0].waker_id, 9u);
  EXPECT_EQ(woken[0].tick, 150u);
  // The woken poll (from 160) waits again at 165: that wait drains before the poll.
  t.wait_started(1, A, 165);
  EXPECT_TRUE(t.polled(1, 160));
  EXPECT_EQ(cancel(t, A, 9, 175, true).size(), 1u) << "the new wait";
  EXPECT_TRUE(t.polled(1, 180));
  EXPECT_FALSE(t.polled(1, 190)) << "one wake, one poll";
  EXPECT_TRUE(cancel(t, A, 9, 200, true).empty()) << "no longer waiting";
}

TEST(CancelWakes, AFiredTimerIsNotWokenByALaterCancel) {
  cancel_wakes t;
  t.wait_started(1, A, 100);
  EXPECT_FALSE(t.polled(1, 200));  // the timer fired
  EXPECT_TRUE(cancel(t, A, 9, 300, true).empty());
}

TEST(CancelWakes, CancelOneWakesTheOldestAndCancelWakesEveryWaiter) {
  cancel_wakes t;
  t.wait_started(2, A, 110);
  t.wait_started(1, A, 100);  // drained later from another thread, began earlier
  t.wait_started(3, A, 120);
  t.wait_started(4, B, 105);
  auto one = cancel(t, A, 9, 150, false);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].task_id, 1u) << "the oldest wait, not the first drained";
  const auto all = cancel(t, A, 9, 160, true);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].task_id, 2u);
  EXPECT_EQ(all[1].task_id, 3u);
  EXPECT_TRUE(cancel(t, B, 9, 90, true).empty()) << "a wait that began after the cancel";
  EXPECT_EQ(cancel(t, B, 9, 170, true).size(), 1u);
}

TEST(CancelWakes, AWaitDrainedAfterALaterPollOfItsTaskIsOver) {
  cancel_wakes t;
  t.wait_started(1, A, 100);
  EXPECT_FALSE(t.polled(1, 200));
  t.wait_started(1, B, 150);  // began before the poll drained above: over already
  EXPECT_TRUE(cancel(t, B, 9, 300, true).empty());
  t.wait_started(1, B, 250);  // a new wait
  EXPECT_EQ(cancel(t, B, 9, 300, true).size(), 1u);
}

TEST(CancelWakes, ANewWaitReplacesTheOldAndAnEndedTaskIsForgotten) {
  cancel_wakes t;
  t.wait_started(1, A, 100);
  t.wait_started(1, B, 120);  // its wait on A was cut short (it is running again)
  EXPECT_TRUE(cancel(t, A, 9, 150, true).empty());
  t.ended(1);
  EXPECT_TRUE(cancel(t, B, 9, 160, true).empty());
  EXPECT_EQ(t.tasks(), 0u);
}

TEST(CancelWakes, ATaskThatEndsInTheWokenPollKeepsThatWake) {
  cancel_wakes t;
  t.wait_started(1, A, 100);
  EXPECT_EQ(cancel(t, A, 9, 150, true).size(), 1u);
  t.ended(1);  // drained before the poll in which it ended
  EXPECT_EQ(t.tasks(), 1u);
  EXPECT_TRUE(t.polled(1, 160));
  EXPECT_EQ(t.tasks(), 0u);
}

TEST(CancelWakes, FollowsABoundedNumberOfTasks) {
  cancel_wakes t;
  for (std::uint64_t task = 1; task <= cancel_wakes::kMaxTasks + 10; ++task) t.wait_started(task, A, task);
  EXPECT_EQ(t.tasks(), cancel_wakes::kMaxTasks);
  EXPECT_EQ(cancel(t, A, 0, ~0ull, true).size(), cancel_wakes::kMaxTasks);
}
