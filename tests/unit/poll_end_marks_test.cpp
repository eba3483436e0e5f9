// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// A task dump walks a task's frames only between its polls (task_walk.cpp): every way a
// poll begins and ends must leave the record's ended_begins caught up with poll_begins
// once no poll is under way, and below it while one is, on whichever threads they run.
#include <latch>
#include <thread>

#include <gtest/gtest.h>

#include "coroscope/detail/poll_hooks.hpp"
#include "coroscope/detail/task_record.hpp"

namespace {

using coroscope::detail::op_tag;
using coroscope::detail::poll_frame;
using coroscope::detail::task_record;

bool between_polls(const task_record& t) {
  return t.ended_begins.load() >= t.poll_begins.load();
}

op_tag tag_of(task_record& t) {
  op_tag tag;
  tag.task = &t;
  tag.generation = t.generation.load();
  tag.kind = 0;
  tag.tick = 0;
  return tag;
}

TEST(PollEndMarks, APollIsUnderWayFromItsBeginToItsEnd) {
  task_record t;
  const op_tag tag = tag_of(t);
  poll_frame f;
  f.begin(&t, tag, false);
  EXPECT_FALSE(between_polls(t));
  f.end();
  EXPECT_TRUE(between_polls(t));
}

TEST(PollEndMarks, APollNestedInOneOfItsOwnTaskEndsFirst) {
  task_record t;
  const op_tag tag = tag_of(t);
  poll_frame outer, inner;
  outer.begin(&t, tag, false);
  inner.begin(&t, tag, true);
  inner.end();
  outer.end();
  EXPECT_TRUE(between_polls(t));
}

// A wake on one thread and the poll it handed on to on another: the first may end while
// the second runs, which must still read as under way.
TEST(PollEndMarks, AnEarlierPollEndingWhileALaterRunsLeavesItUnderWay) {
  task_record t;
  const op_tag tag = tag_of(t);
  poll_frame wake;
  wake.begin(&t, tag, true);
  std::latch began(1), wake_ended(1);
  std::thread other([&] {
    poll_frame poll;
    poll.begin(&t, tag, true);
    began.count_down();
    wake_ended.wait();
    poll.end();
  });
  began.wait();
  wake.end();
  EXPECT_FALSE(between_polls(t));
  wake_ended.count_down();
  other.join();
  EXPECT_TRUE(between_polls(t));
}

TEST(PollEndMarks, AnEarlierPollEndingAfterALaterLeavesNoneUnderWay) {
  task_record t;
  const op_tag tag = tag_of(t);
  poll_frame wake;
  wake.begin(&t, tag, true);
  std::thread([&] {
    poll_frame poll;
    poll.begin(&t, tag, true);
    poll.end();
  }).join();
  wake.end();
  EXPECT_TRUE(between_polls(t));
}

// A handler the poster's code posted, which resumes another task: the invocation began as
// the poster's poll and becomes the woken task's.
TEST(PollEndMarks, AnAdoptedInvocationEndsThePostersPoll) {
  task_record poster, woken;
  const op_tag tag = tag_of(poster);
  poll_frame f;
  f.begin(&poster, tag, false);
  ASSERT_TRUE(f.adopt(woken));
  EXPECT_TRUE(between_polls(poster));
  EXPECT_FALSE(between_polls(woken));
  f.end();
  EXPECT_TRUE(between_polls(woken));
}

}  // namespace
