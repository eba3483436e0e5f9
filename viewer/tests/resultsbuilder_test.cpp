// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <gtest/gtest.h>

#include "resultsbuilder.hpp"
#include "test_data.hpp"

namespace coroscope::viewer {
namespace {

using namespace test;

TEST(ResultsBuilder, CountsStatesAndSortsById) {
  ResultsBuilder b;
  const auto r = b.add(makeState(1, 0, {makeTask(3, 0, "c", task_state::idle),
                                        makeTask(1, 0, "a", task_state::running),
                                        makeTask(2, 1, "b", task_state::scheduled),
                                        makeTask(4, 1, "d", task_state::completed)}));
  ASSERT_EQ(r->tasks.size(), 4u);
  EXPECT_EQ(r->tasks[0].info.id, 1u);
  EXPECT_EQ(r->tasks[3].info.id, 4u);
  EXPECT_EQ(r->running, 1);
  EXPECT_EQ(r->scheduled, 1);
  EXPECT_EQ(r->idle, 1);
  EXPECT_EQ(r->completed, 1);
  EXPECT_EQ(r->taskIndex(2), 1);
  EXPECT_EQ(r->taskIndex(99), -1);
}

TEST(ResultsBuilder, KeepsCompletedTasksForTheRetentionTime) {
  ResultsBuilder::Options o;
  o.retainCompleted = 10s;
  ResultsBuilder b(o);
  b.add(makeState(1, 0, {makeTask(1, 0, "a", task_state::idle), makeTask(2, 0, "b", task_state::idle)}));
  b.add(makeState(2, 1, {makeTask(1, 0, "a", task_state::completed), makeTask(2, 0, "b", task_state::idle)}));
  // The probe retires task 1 at t=2; the console keeps it until t=1+10.
  auto r = b.add(makeState(3, 2, {makeTask(2, 0, "b", task_state::idle)}));
  ASSERT_EQ(r->tasks.size(), 2u);
  EXPECT_TRUE(r->tasks[0].retained);
  EXPECT_TRUE(r->tasks[0].isCompleted());
  EXPECT_EQ(r->completed, 1);
  r = b.add(makeState(4, 11, {makeTask(2, 0, "b", task_state::idle)}));
  EXPECT_EQ(r->tasks.size(), 2u);
  r = b.add(makeState(5, 12, {makeTask(2, 0, "b", task_state::idle)}));
  ASSERT_EQ(r->tasks.size(), 1u);
  EXPECT_EQ(r->tasks[0].info.id, 2u);
}

TEST(ResultsBuilder, ATaskRetiredWithoutACompletionCountsAsCompleted) {
  ResultsBuilder b;
  b.add(makeState(1, 0, {makeTask(1, 0, "a", task_state::idle)}));
  const auto r = b.add(makeState(2, 1, {}));
  ASSERT_EQ(r->tasks.size(), 1u);
  EXPECT_TRUE(r->tasks[0].isCompleted());
  EXPECT_TRUE(r->tasks[0].retained);
}

TEST(ResultsBuilder, ANewProbeInstanceStartsAfresh) {
  ResultsBuilder b;
  b.add(makeState(1, 0, {makeTask(1, 0, "a", task_state::completed)}, "first"));
  const auto r = b.add(makeState(1, 1, {makeTask(7, 0, "z", task_state::idle)}, "second"));
  ASSERT_EQ(r->tasks.size(), 1u);
  EXPECT_EQ(r->tasks[0].info.id, 7u);
}

TEST(ResultsBuilder, CountsWarningsPerTask) {
  ResultsBuilder b;
  auto s = makeState(1, 0, {makeTask(1, 0, "a", task_state::idle), makeTask(2, 0, "b", task_state::idle)});
  s.warnings = {{"long-poll", 2, "b", "poll took 20ms", 3, "", ""},
                {"self-wakes", 2, "b", "80% self wakes", 1, "", ""}};
  const auto r = b.add(s);
  EXPECT_EQ(r->tasks[0].warnings, 0);
  EXPECT_EQ(r->tasks[1].warnings, 2);
}

TEST(ResultsBuilder, WorkerHistoryIsTheBusyShareOfEachInterval) {
  ResultsBuilder::Options o;
  o.historyLength = 3;
  ResultsBuilder b(o);
  auto at = [&](int s, int busyMs, int elapsedMs) {
    auto st = makeState(std::uint64_t(s + 1), s, {});
    worker_info w;
    w.index = 0;
    w.busy = std::chrono::milliseconds(busyMs);
    w.elapsed = std::chrono::milliseconds(elapsedMs);
    w.busy_ratio = double(busyMs) / elapsedMs;
    st.workers = {w};
    return b.add(st);
  };
  at(0, 100, 1000);                      // first point: the cumulative ratio
  auto r = at(1, 600, 2000);             // +500 of +1000
  ASSERT_EQ(r->workers.size(), 1u);
  ASSERT_EQ(r->workers[0].busyHistory.size(), 2u);
  EXPECT_DOUBLE_EQ(r->workers[0].busyHistory[0], 0.1);
  EXPECT_DOUBLE_EQ(r->workers[0].busyHistory[1], 0.5);
  at(2, 600, 3000);
  r = at(3, 1600, 4000);
  ASSERT_EQ(r->workers[0].busyHistory.size(), 3u);  // bounded
  EXPECT_DOUBLE_EQ(r->workers[0].busyHistory.front(), 0.5);
  EXPECT_DOUBLE_EQ(r->workers[0].busyHistory.back(), 1.0);
}

TEST(ResultsBuilder, SlowAwaitLogRecordsEachGrowth) {
  ResultsBuilder b;
  auto at = [&](int s, std::uint64_t slow) {
    auto st = makeState(std::uint64_t(s + 1), s, {});
    await_site_info site;
    site.name = "db.query";
    site.file = "db.cpp";
    site.line = 7;
    site.count = 10 * (s + 1);
    site.slow_count = slow;
    site.max = 250ms;
    st.await_sites = {site};
    return b.add(st);
  };
  EXPECT_TRUE(at(0, 0)->slowAwaits.empty());
  EXPECT_EQ(at(1, 2)->slowAwaits.size(), 1u);
  EXPECT_EQ(at(2, 2)->slowAwaits.size(), 1u);
  const auto r = at(3, 5);
  ASSERT_EQ(r->slowAwaits.size(), 2u);
  EXPECT_EQ(r->slowAwaits[1].newSlow, 3u);
  EXPECT_EQ(r->slowAwaits[1].slowTotal, 5u);
  EXPECT_EQ(r->slowAwaits[1].location, "db.cpp:7");
}

TEST(ResultsBuilder, KeepsAWindowOfCpuSamples) {
  ResultsBuilder::Options o;
  o.flameWindow = 2;
  ResultsBuilder b(o);
  for (int i = 0; i < 3; ++i) {
    auto st = makeState(std::uint64_t(i + 1), i, {});
    st.cpu_samples = {{{"main", "f" + std::to_string(i)}, {}, 1, 0}};
    const auto r = b.add(st);
    EXPECT_EQ(r->cpuSamples.size(), std::size_t(std::min(i + 1, 2)));
  }
}

}  // namespace
}  // namespace coroscope::viewer
