// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The flight recorder's cursor (the console's live timeline): a default cursor gives the
// whole window, a cursor the recorder gave only what it took in since, as a partial window
// that still says where the whole one starts.
#include <gtest/gtest.h>

#include <vector>

#include "coroscope/detail/await_site.hpp"
#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/event.hpp"
#include "flight_recorder.hpp"

namespace {

using coroscope::timeline;
using coroscope::timeline_cursor;
using coroscope::detail::flight_recorder;
using coroscope::detail::queued_interval;

/// A poll of `task` on worker 0, `begin` and `end` ticks after the first call. Ticks are
/// read in the test, not at static initialization: the clock's own globals may not be set
/// yet then, and its calibration, once per process, would be wrong for every test after.
coroscope::detail::event poll(std::uint64_t task, std::uint64_t begin, std::uint64_t end) {
  static const std::uint64_t T = (coroscope::detail::ns_per_tick(), coroscope::detail::ticks());
  coroscope::detail::event_source from;
  from.probe = 1;
  from.worker = 0;
  from.task_id = task;
  return coroscope::detail::make_poll_event(from, {0, T + begin, T + end, 0}, 0);
}

std::vector<std::uint64_t> polled(const timeline& t) {
  std::vector<std::uint64_t> out;
  for (const auto& p : t.polls) out.push_back(p.task_id);
  return out;
}

timeline fill(const flight_recorder& r, timeline_cursor& after) {
  timeline t;
  std::vector<queued_interval> queued;
  r.fill(t, 0, queued, &after);
  return t;
}

}  // namespace

TEST(RecorderCursor, ADefaultCursorGivesTheWholeWindowThenOnlyWhatCameSince) {
  flight_recorder r(0, 1 << 20);
  r.record(poll(1, 1000, 2000));
  r.record(poll(2, 3000, 4000));
  timeline_cursor after;
  const timeline whole = fill(r, after);
  EXPECT_FALSE(whole.partial);
  EXPECT_EQ(polled(whole), (std::vector<std::uint64_t>{1, 2}));

  r.record(poll(3, 5000, 6000));
  const timeline part = fill(r, after);
  EXPECT_TRUE(part.partial);
  EXPECT_EQ(polled(part), (std::vector<std::uint64_t>{3}));
  // The whole window still starts at its oldest poll: the asker keeps it.
  EXPECT_LE(part.begin_ns, whole.polls[0].end_ns);
  EXPECT_EQ(part.end_ns, part.polls[0].end_ns);

  const timeline nothing = fill(r, after);
  EXPECT_TRUE(nothing.partial);
  EXPECT_TRUE(nothing.polls.empty());
  EXPECT_EQ(nothing.end_ns, part.end_ns);
}

TEST(RecorderCursor, WhatTheByteBoundEvictedPastTheCursorIsLeftOut) {
  flight_recorder r(0, 3 * 40);  // three entries of 40 bytes
  r.record(poll(1, 1000, 2000));
  r.record(poll(2, 3000, 4000));
  timeline_cursor after;
  const timeline whole = fill(r, after);
  for (std::uint64_t task = 3; task <= 6; ++task) r.record(poll(task, task * 2000, task * 2000 + 1000));
  const timeline part = fill(r, after);
  EXPECT_TRUE(part.partial);
  EXPECT_EQ(polled(part), (std::vector<std::uint64_t>{4, 5, 6})) << "3 came and went";
  EXPECT_GT(part.begin_ns, whole.polls[1].end_ns) << "the asker drops polls 1 and 2";
}

TEST(RecorderCursor, ACursorItDidNotGiveGetsTheWholeWindow) {
  flight_recorder r(0, 1 << 20);
  r.record(poll(1, 1000, 2000));
  r.record(poll(2, 3000, 4000));
  timeline_cursor foreign{100, 0};
  const timeline t = fill(r, foreign);
  EXPECT_FALSE(t.partial);
  EXPECT_EQ(polled(t), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(foreign.events, 2u);
}

namespace {

coroscope::detail::event timed_await(std::uint64_t task, const coroscope::detail::await_site& site) {
  coroscope::detail::event_source from;
  from.probe = 1;
  from.worker = 0;
  from.task_id = task;
  return coroscope::detail::make_await_event(from, {&site, 5, 5});
}

}  // namespace

// A timed await waits in the recorder for its task's next poll, which gives its end. The
// table of such awaits holds 4,096 tasks: tasks whose awaits have ended make room for
// new ones, and only an await that finds 4,096 others still waiting is lost.
TEST(RecorderAwaits, EndedAwaitsMakeRoomAndOnlyAFullTableLosesOne) {
  const coroscope::detail::await_site site{"read", "session.cpp", 12};
  flight_recorder r(0, std::size_t{1} << 28);
  constexpr std::uint64_t kTable = 4096;
  std::uint64_t tick = 10;
  for (std::uint64_t task = 1; task <= kTable; ++task) {
    r.record(timed_await(task, site));
    r.record(poll(task, tick, tick + 1));
    tick += 2;
  }
  r.record(timed_await(kTable + 1, site));  // every entry is idle: this one is kept
  r.record(poll(kTable + 1, tick, tick + 1));
  EXPECT_EQ(r.lost(), 0u);

  for (std::uint64_t task = 1; task <= kTable; ++task) r.record(timed_await(task, site));
  r.record(timed_await(2 * kTable, site));  // 4,096 others wait: lost
  EXPECT_EQ(r.lost(), 1u);
  r.record(timed_await(1, site));  // a task already in the table waits again: kept
  EXPECT_EQ(r.lost(), 1u);

  timeline_cursor whole;
  const timeline t = fill(r, whole);
  std::size_t of_new_task = 0;
  for (const auto& a : t.awaits) of_new_task += a.task_id == kTable + 1;
  EXPECT_EQ(t.awaits.size(), kTable + 1);
  EXPECT_EQ(of_new_task, 1u);
}
