// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The counters a window derives from its polls and posts: busy ratio and queue depth per
// worker, per step.
#include <gtest/gtest.h>

#include <vector>

#include "timeline_counters.hpp"

namespace {

using coroscope::timeline;
using coroscope::detail::add_counters;
using coroscope::detail::counter_step_ns;
using coroscope::detail::queued_interval;

constexpr std::uint64_t kMs = 1'000'000;

std::vector<double> values_of(const timeline& t, timeline::counter_kind kind, unsigned worker) {
  std::vector<double> out;
  for (const timeline::counter_point& c : t.counters)
    if (c.kind == kind && c.worker == worker) out.push_back(c.value);
  return out;
}

timeline window(std::uint64_t begin_ms, std::uint64_t end_ms) {
  timeline t;
  t.begin_ns = begin_ms * kMs;
  t.end_ns = end_ms * kMs;
  return t;
}

}  // namespace

TEST(TimelineCounters, BusyRatioIsTheShareOfEachStepInPollsWithNestedPollsCountedOnce) {
  timeline t = window(100, 130);  // steps of 10 ms from 100 ms: [100, 110) ... [130, 140)
  t.polls = {
      {0, 1, 100 * kMs, 105 * kMs},  // half of the first step
      {0, 2, 102 * kMs, 104 * kMs},  // inline inside the one above: adds nothing
      {0, 1, 118 * kMs, 122 * kMs},  // 2 ms in the second step, 2 ms in the third
      {1, 3, 110 * kMs, 130 * kMs},  // another worker: the second and third steps whole
  };
  add_counters(t, {}, 10 * kMs);
  EXPECT_EQ(values_of(t, timeline::counter_kind::busy_ratio, 0),
            (std::vector<double>{0.5, 0.2, 0.2, 0.0}));
  EXPECT_EQ(values_of(t, timeline::counter_kind::busy_ratio, 1),
            (std::vector<double>{0.0, 1.0, 1.0, 0.0}));
  for (const timeline::counter_point& c : t.counters)
    EXPECT_EQ((c.time_ns - t.begin_ns) % (10 * kMs), 0u) << "a point at each step's start";
}

TEST(TimelineCounters, QueueDepthIsTheMostTasksWaitingAtOnceInEachStep) {
  timeline t = window(0, 30);
  const std::vector<queued_interval> queued = {
      {0, 1 * kMs, 4 * kMs},    // three waiting at once at 3 ms
      {0, 2 * kMs, 5 * kMs},
      {0, 3 * kMs, 12 * kMs},   // still waiting as the second step starts
      {0, 25 * kMs, 25 * kMs},  // posted and polled at once: counted for that instant
      {1, 15 * kMs, 16 * kMs},  // another worker's
  };
  add_counters(t, queued, 10 * kMs);
  EXPECT_EQ(values_of(t, timeline::counter_kind::queue_depth, 0),
            (std::vector<double>{3, 1, 1, 0}));
  EXPECT_EQ(values_of(t, timeline::counter_kind::queue_depth, 1),
            (std::vector<double>{0, 1, 0, 0}));
}

TEST(TimelineCounters, AnEmptyWindowHasNoCountersAndTheStepIsBounded) {
  timeline t = window(5, 5);
  t.polls = {{0, 1, 5 * kMs, 5 * kMs}};
  add_counters(t, {}, counter_step_ns(0));
  EXPECT_TRUE(t.counters.empty());
  EXPECT_EQ(counter_step_ns(0), 1 * kMs);
  EXPECT_EQ(counter_step_ns(30'000 * kMs), 60 * kMs);
  EXPECT_EQ(counter_step_ns(3'600'000 * kMs), 1000 * kMs);
}
