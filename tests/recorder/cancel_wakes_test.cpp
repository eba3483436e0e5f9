// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Which task woke a task waiting on an I/O object: the flight recorder's bookkeeping of
// waits, cancels and polls, fed in the orders the collector may drain them.
#include <gtest/gtest.h>

#include <vector>

#include "cancel_wakes.hpp"

namespace {

using coroscope::detail::cancel_wakes;

char objects[2];
const void* const A = &objects[0];
const void* const B = &objects[1];

/// Waits cut short by `by`'s cancel (or close) of `object` at `tick`, on worker 3.
std::size_t cancel(cancel_wakes& t, const void* object, std::uint64_t by, std::uint64_t tick, bool all) {
  return t.cancelled(object, by, tick, all, 3);
}

/// Whether `task`'s poll from `begin` on `worker`, completing the wait started at `wait`,
/// was a cancel's wake.
bool woken(cancel_wakes& t, std::uint64_t task, std::uint64_t begin, std::uint64_t wait,
           std::int16_t worker = 0) {
  return t.polled(task, begin, wait, worker).has_value();
}

}  // namespace

TEST(CancelWakes, ACancelWakesTheWaiterAndItsNextPollIsThatWake) {
  cancel_wakes t;
  t.wait_started(1, A, 100);
  EXPECT_EQ(cancel(t, A, 9, 150, true), 1u);
  // The woken poll (from 160) waits again at 165: that wait drains before the poll.
  t.wait_started(1, A, 165);
  const auto wake = t.polled(1, 160, 100, 0);
  ASSERT_TRUE(wake);
  EXPECT_EQ(wake->task_id, 1u);
  EXPECT_EQ(wake->waker_id, 9u);
  EXPECT_EQ(wake->tick, 150u);
  EXPECT_EQ(wake->worker, 3);
  EXPECT_EQ(cancel(t, A, 9, 175, true), 1u) << "the new wait";
  EXPECT_TRUE(woken(t, 1, 180, 165));
  EXPECT_FALSE(woken(t, 1, 190, 165)) << "one wake, one poll";
  EXPECT_EQ(cancel(t, A, 9, 200, true), 0u) << "no longer waiting";
}

TEST(CancelWakes, AFiredTimerIsNotWokenByALaterCancel) {
  cancel_wakes t;
  t.wait_started(1, A, 100);
  EXPECT_FALSE(woken(t, 1, 200, 100));  // the timer fired
  EXPECT_EQ(cancel(t, A, 9, 300, true), 0u);
}

TEST(CancelWakes, AStaleWaitIsNoWakeWhenAnotherObjectAtItsAddressIsCancelled) {
  cancel_wakes t;
  // Task 1 waited on a timer at A; that wait completed, and its poll was never seen; nor
  // was the start of its next wait (at 130). Another task's timer at A is destroyed (its
  // destructor cancels): task 1's entry is stale, and its next poll completes the wait
  // started at 130, not the one the cancel found.
  t.wait_started(1, A, 100);
  EXPECT_EQ(cancel(t, A, 9, 150, true), 1u);
  EXPECT_FALSE(woken(t, 1, 160, 130));
  // Nor is a poll whose wait is unknown (0) taken as anything but that cancel's.
  t.wait_started(1, A, 200);
  EXPECT_EQ(cancel(t, A, 9, 250, true), 1u);
  EXPECT_TRUE(woken(t, 1, 260, 0));
}

TEST(CancelWakes, ACloseAfterItsTaskEndedIsNoWake) {
  cancel_wakes t;
  t.wait_started(1, A, 100);
  // The task's end drains after the close (another worker's ring), and the poll it ended
  // in began before the close.
  EXPECT_EQ(cancel(t, A, 9, 150, true), 1u);
  t.ended(1, 0);
  EXPECT_FALSE(woken(t, 1, 140, 100));
  EXPECT_EQ(t.tasks(), 0u) << "its last poll seen, the task is forgotten";
}

TEST(CancelWakes, AnEarlierPollDrainedAfterTheEndLeavesTheLastPollItsWake) {
  cancel_wakes t;
  t.wait_started(1, A, 100);
  EXPECT_EQ(cancel(t, A, 9, 150, true), 1u);
  t.ended(1, 0);  // in the poll the cancel caused, on worker 0
  EXPECT_FALSE(woken(t, 1, 90, 0, 1)) << "a poll on worker 1 from before, drained late";
  EXPECT_EQ(t.tasks(), 1u);
  EXPECT_TRUE(woken(t, 1, 160, 100, 0)) << "its last poll";
  EXPECT_EQ(t.tasks(), 0u);
}

TEST(CancelWakes, CancelOneWakesTheOldestAndCancelWakesEveryWaiter) {
  cancel_wakes t;
  t.wait_started(2, A, 110);
  t.wait_started(1, A, 100);  // drained later from another thread, began earlier
  t.wait_started(3, A, 120);
  t.wait_started(4, B, 105);
  EXPECT_EQ(cancel(t, A, 9, 150, false), 1u);
  EXPECT_TRUE(woken(t, 1, 155, 100)) << "the oldest wait, not the first drained";
  EXPECT_EQ(cancel(t, A, 9, 160, true), 2u);
  EXPECT_TRUE(woken(t, 2, 165, 110));
  EXPECT_TRUE(woken(t, 3, 165, 120));
  EXPECT_EQ(cancel(t, B, 9, 90, true), 0u) << "a wait that began after the cancel";
  EXPECT_EQ(cancel(t, B, 9, 170, true), 1u);
}

TEST(CancelWakes, AWaitDrainedAfterALaterPollOfItsTaskIsOver) {
  cancel_wakes t;
  t.wait_started(1, A, 100);
  EXPECT_FALSE(woken(t, 1, 200, 100));
  t.wait_started(1, B, 150);  // began before the poll drained above: over already
  EXPECT_EQ(cancel(t, B, 9, 300, true), 0u);
  t.wait_started(1, B, 250);  // a new wait
  EXPECT_EQ(cancel(t, B, 9, 300, true), 1u);
}

TEST(CancelWakes, ANewWaitReplacesTheOldAndAnEndedTaskIsForgotten) {
  cancel_wakes t;
  t.wait_started(1, A, 100);
  t.wait_started(1, B, 120);  // its wait on A was cut short (it is running again)
  EXPECT_EQ(cancel(t, A, 9, 150, true), 0u);
  t.ended(1, 0);
  EXPECT_EQ(cancel(t, B, 9, 160, true), 0u);
  EXPECT_EQ(t.tasks(), 0u);
}

TEST(CancelWakes, ATaskThatEndsInTheWokenPollKeepsThatWake) {
  cancel_wakes t;
  t.wait_started(1, A, 100);
  EXPECT_EQ(cancel(t, A, 9, 150, true), 1u);
  t.ended(1, 0);  // drained before the poll in which it ended
  EXPECT_EQ(t.tasks(), 1u);
  EXPECT_TRUE(woken(t, 1, 160, 100));
  EXPECT_EQ(t.tasks(), 0u);
}

TEST(CancelWakes, FollowsABoundedNumberOfTasks) {
  cancel_wakes t;
  for (std::uint64_t task = 1; task <= cancel_wakes::kMaxTasks + 10; ++task) t.wait_started(task, A, task);
  EXPECT_EQ(t.tasks(), cancel_wakes::kMaxTasks);
  EXPECT_EQ(cancel(t, A, 0, ~0ull, true), cancel_wakes::kMaxTasks);
}
