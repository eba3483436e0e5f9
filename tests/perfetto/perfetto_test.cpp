// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// encode_perfetto against timelines whose schedule the test knows, decoded with the
// classes generated from our .proto (trace_view checks what trace processor relies on:
// one sequence in time order, names interned before use, balanced slices).
#include <coroscope/perfetto.hpp>

#include "trace_view.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace {

using coroscope::timeline;
using coroscope::test::annotation;
using coroscope::test::trace_view;
using coroscope::test::view_slice;

// Two workers, three tasks (accept-loop spawned handler and db-writer):
//
//  w0  |accept-loop 1000-1200| |handler 1300-1500|parked 1500-2000|accept-loop 2000-2100|
//  w1       |db-writer 1100-1400|   |handler 1600-1700|parked 1700-3000|db-writer 3000-3500|
//                                                                         |handler 3100-3200|
//  accept-loop wakes handler at 1150; a timer wakes it at 1550; a thread outside wakes
//  db-writer at 2900; I/O wakes accept-loop at 5000 (no poll after: no flow).
timeline known_schedule() {
  timeline t;
  t.process_name = "checkout";
  t.pid = 4242;
  t.begin_ns = 900;
  t.end_ns = 6000;
  t.dropped_events = 7;
  t.workers = {{0, "coroscope-w0", 100}, {1, "coroscope-w1", 101}};
  t.tasks = {{1, 0, "accept-loop"}, {2, 1, "handler"}, {3, 1, "db-writer"}};
  // Given out of order on purpose: the encoder sorts.
  t.polls = {{0, 1, 2000, 2100}, {0, 1, 1000, 1200}, {0, 2, 1300, 1500}, {1, 3, 1100, 1400},
             {1, 2, 1600, 1700}, {1, 2, 3100, 3200}, {1, 3, 3000, 3500}};
  t.parks = {{0, 1500, 2000}, {1, 1700, 3000}};
  t.awaits = {{2, "db.query", "db.cpp", 42, 1450, 1650}};
  t.wakes = {{2, 1150, timeline::waker_kind::task, 1},
             {2, 1550, timeline::waker_kind::timer, 0},
             {3, 2900, timeline::waker_kind::outside, 0},
             {1, 5000, timeline::waker_kind::io, 0}};
  t.lints = {{"long-poll", 3, 3500, "poll took 500 ns"}, {"stuck", 0, 4000, "no task"}};
  timeline::cpu_sample s;
  s.time_ns = 1200;
  s.worker = 1;
  s.task_id = 3;
  s.stack.resize(2);
  s.stack[0].function = "memcpy";
  s.stack[1].function = "void db_writer::flush(int)";
  s.stack[1].file = "db.cpp";
  s.stack[1].line = 10;
  t.samples = {s};
  t.counters = {{timeline::counter_kind::queue_depth, 0, 2000, 0},
                {timeline::counter_kind::queue_depth, 0, 1000, 2},
                {timeline::counter_kind::busy_ratio, 1, 1000, 0.25},
                {timeline::counter_kind::busy_ratio, 1, 2000, 0.75}};
  return t;
}

struct expected_slice {
  std::string name;
  std::uint64_t begin, end;
  unsigned depth;
};

void expect_slices(const std::vector<view_slice>& got, const std::vector<expected_slice>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].name, want[i].name) << i;
    EXPECT_EQ(got[i].begin_ns, want[i].begin) << i;
    EXPECT_EQ(got[i].end_ns, want[i].end) << i;
    EXPECT_EQ(got[i].depth, want[i].depth) << i;
  }
}

TEST(Perfetto, ProcessAndWorkerTracks) {
  trace_view v(coroscope::encode_perfetto(known_schedule()));
  const auto& process = v.tracks.at(v.track("checkout"));
  EXPECT_EQ(process.process().pid(), 4242);
  EXPECT_EQ(process.process().process_name(), "checkout");
  for (int i = 0; i < 2; ++i) {
    const std::string name = "coroscope-w" + std::to_string(i);
    const std::uint64_t worker = v.track(name);
    const auto& d = v.tracks.at(worker);
    EXPECT_EQ(d.thread().pid(), 4242);
    EXPECT_EQ(d.thread().tid(), 100 + i);
    EXPECT_EQ(d.thread().thread_name(), name);
    EXPECT_FALSE(d.has_parent_uuid()) << "thread tracks join the process by pid";
  }
  EXPECT_EQ(v.tracks.at(v.track("coroscope-w1 samples")).parent_uuid(), v.track("coroscope-w1"));
  const auto& depth = v.tracks.at(v.track("coroscope-w0 queue depth"));
  EXPECT_EQ(depth.parent_uuid(), v.track("coroscope-w0"));
  EXPECT_EQ(depth.counter().unit(), perfetto::protos::CounterDescriptor::UNIT_COUNT);
  EXPECT_TRUE(v.tracks.at(v.track("coroscope-w1 busy ratio")).has_counter());
  // Only what a worker has data for gets a track.
  for (const auto& [uuid, d] : v.tracks) {
    EXPECT_NE(d.name(), "coroscope-w0 samples");
    EXPECT_NE(d.name(), "coroscope-w1 queue depth");
  }
}

TEST(Perfetto, TaskTracksFollowTheTaskTree) {
  trace_view v(coroscope::encode_perfetto(known_schedule()));
  const std::uint64_t tasks = v.track("tasks");
  EXPECT_EQ(v.tracks.at(tasks).parent_uuid(), v.track("checkout"));
  const std::uint64_t accept = v.track("accept-loop #1");
  EXPECT_EQ(v.tracks.at(accept).parent_uuid(), tasks);
  EXPECT_EQ(v.tracks.at(v.track("handler #2")).parent_uuid(), accept);
  EXPECT_EQ(v.tracks.at(v.track("db-writer #3")).parent_uuid(), accept);
  EXPECT_EQ(v.tracks.at(v.track("handler #2 timed awaits")).parent_uuid(), v.track("handler #2"));
}

TEST(Perfetto, WorkerTracksHoldPollsNamedByTaskAndParks) {
  trace_view v(coroscope::encode_perfetto(known_schedule()));
  expect_slices(v.slices_of("coroscope-w0"), {{"accept-loop", 1000, 1200, 0},
                                              {"handler", 1300, 1500, 0},
                                              {"parked", 1500, 2000, 0},
                                              {"accept-loop", 2000, 2100, 0}});
  // The poll of handler started inline inside db-writer's nests under it.
  const auto w1 = v.slices_of("coroscope-w1");
  expect_slices(w1, {{"db-writer", 1100, 1400, 0},
                     {"handler", 1600, 1700, 0},
                     {"parked", 1700, 3000, 0},
                     {"db-writer", 3000, 3500, 0},
                     {"handler", 3100, 3200, 1}});
  EXPECT_EQ(annotation(w1[1], "task_id"), "2");
}

TEST(Perfetto, TaskTracksHoldPollsAndTimedAwaits) {
  trace_view v(coroscope::encode_perfetto(known_schedule()));
  const auto polls = v.slices_of("handler #2");
  expect_slices(polls, {{"poll", 1300, 1500, 0}, {"poll", 1600, 1700, 0}, {"poll", 3100, 3200, 0}});
  EXPECT_EQ(annotation(polls[0], "worker"), "0");
  EXPECT_EQ(annotation(polls[1], "worker"), "1");
  const auto awaits = v.slices_of("handler #2 timed awaits");
  expect_slices(awaits, {{"db.query", 1450, 1650, 0}});
  EXPECT_EQ(annotation(awaits[0], "location"), "db.cpp:42");
}

TEST(Perfetto, FlowsGoFromWakerToTheWakeesNextPoll) {
  trace_view v(coroscope::encode_perfetto(known_schedule()));
  // accept-loop's wake of handler: inside accept-loop's poll on its track.
  const auto accept = v.instants_of("accept-loop #1");
  ASSERT_EQ(accept.size(), 2u);
  EXPECT_EQ(accept[0].name, "wake handler #2");
  EXPECT_EQ(accept[0].begin_ns, 1150u);
  EXPECT_EQ(accept[0].depth, 1u) << "inside the waker's poll slice";
  ASSERT_EQ(accept[0].flows_out.size(), 1u);
  EXPECT_EQ(accept[1].name, "woken by I/O");
  EXPECT_TRUE(accept[1].flows_out.empty()) << "no poll after it in the window";

  const auto handler_polls = v.slices_of("handler #2");
  ASSERT_EQ(handler_polls.size(), 3u);
  EXPECT_EQ(handler_polls[0].flows_in, accept[0].flows_out);
  const auto timer = v.instants_of("handler #2");
  ASSERT_EQ(timer.size(), 1u);
  EXPECT_EQ(timer[0].name, "woken by timer");
  ASSERT_EQ(timer[0].flows_out.size(), 1u);
  EXPECT_EQ(handler_polls[1].flows_in, timer[0].flows_out);
  EXPECT_TRUE(handler_polls[2].flows_in.empty());

  const auto outside = v.instants_of("db-writer #3");
  ASSERT_GE(outside.size(), 1u);
  EXPECT_EQ(outside[0].name, "woken from outside");
  const auto db_polls = v.slices_of("db-writer #3");
  ASSERT_EQ(db_polls.size(), 2u);
  EXPECT_EQ(db_polls[1].flows_in, outside[0].flows_out);
  // Flow ids are distinct.
  EXPECT_NE(accept[0].flows_out, timer[0].flows_out);
  EXPECT_NE(timer[0].flows_out, outside[0].flows_out);
}

TEST(Perfetto, LintsAreInstants) {
  trace_view v(coroscope::encode_perfetto(known_schedule()));
  const auto on_task = v.instants_of("db-writer #3");
  ASSERT_EQ(on_task.size(), 2u);
  EXPECT_EQ(on_task[1].name, "long-poll");
  EXPECT_EQ(on_task[1].begin_ns, 3500u);
  EXPECT_EQ(annotation(on_task[1], "message"), "poll took 500 ns");
  const auto loose = v.instants_of("lints");
  ASSERT_EQ(loose.size(), 1u);
  EXPECT_EQ(loose[0].name, "stuck");
  EXPECT_EQ(annotation(loose[0], "message"), "no task");
}

TEST(Perfetto, SamplesCarryTheirStackOutermostFirst) {
  trace_view v(coroscope::encode_perfetto(known_schedule()));
  const auto samples = v.instants_of("coroscope-w1 samples");
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].name, "memcpy");
  EXPECT_EQ(samples[0].begin_ns, 1200u);
  const auto& stack = samples[0].event->callstack();
  ASSERT_EQ(stack.frames_size(), 2);
  EXPECT_EQ(stack.frames(0).function_name(), "db_writer::flush");
  EXPECT_EQ(stack.frames(0).source_file(), "db.cpp");
  EXPECT_EQ(stack.frames(0).line_number(), 10u);
  EXPECT_EQ(stack.frames(1).function_name(), "memcpy");
  EXPECT_EQ(annotation(samples[0], "task_id"), "3");
  EXPECT_EQ(annotation(samples[0], "task"), "db-writer #3");
}

TEST(Perfetto, CountersInTimeOrder) {
  trace_view v(coroscope::encode_perfetto(known_schedule()));
  using points = std::vector<std::pair<std::uint64_t, double>>;
  EXPECT_EQ(v.counters.at(v.track("coroscope-w0 queue depth")), (points{{1000, 2}, {2000, 0}}));
  EXPECT_EQ(v.counters.at(v.track("coroscope-w1 busy ratio")), (points{{1000, 0.25}, {2000, 0.75}}));
}

TEST(Perfetto, WindowShowsTheDropCount) {
  trace_view v(coroscope::encode_perfetto(known_schedule()));
  const auto window = v.instants_of("checkout");
  ASSERT_EQ(window.size(), 1u);
  EXPECT_EQ(window[0].begin_ns, 900u);
  EXPECT_EQ(annotation(window[0], "dropped_events"), "7");
  EXPECT_EQ(annotation(window[0], "duration_ns"), "5100");
}

TEST(Perfetto, Deterministic) {
  EXPECT_EQ(coroscope::encode_perfetto(known_schedule()), coroscope::encode_perfetto(known_schedule()));
}

TEST(Perfetto, EmptyTimeline) {
  trace_view v(coroscope::encode_perfetto(timeline{}));
  ASSERT_EQ(v.tracks.size(), 1u);
  const auto& root = v.tracks.begin()->second;
  EXPECT_EQ(root.name(), "coroscope");
  EXPECT_FALSE(root.has_process()) << "no pid known";
  EXPECT_EQ(v.instants_of("coroscope").size(), 1u);
}

TEST(Perfetto, UnknownThreadsAndTasksStillGetTracks) {
  timeline t;
  t.polls = {{3, 9, 10, 20}, {3, 0, 30, 40}};
  t.wakes = {{9, 5, timeline::waker_kind::task, 8}};
  trace_view v(coroscope::encode_perfetto(t));
  EXPECT_EQ(v.tracks.at(v.track("worker 3")).parent_uuid(), v.track("coroscope"));
  // Task 0 is the probe's bucket of handlers that ran outside any task.
  expect_slices(v.slices_of("worker 3"), {{"task", 10, 20, 0}, {"(no task)", 30, 40, 0}});
  expect_slices(v.slices_of("(no task)"), {{"poll", 30, 40, 0}});
  EXPECT_EQ(v.tracks.at(v.track("task #9")).parent_uuid(), v.track("tasks"));
  const auto wake = v.instants_of("task #8");
  ASSERT_EQ(wake.size(), 1u);
  EXPECT_EQ(v.slices_of("task #9")[0].flows_in, wake[0].flows_out);
}

TEST(Perfetto, OverlappingPollsAreCutToNest) {
  timeline t;
  t.polls = {{0, 1, 0, 100}, {0, 2, 50, 150}, {0, 3, 100, 120}};
  trace_view v(coroscope::encode_perfetto(t));
  expect_slices(v.slices_of("worker 0"), {{"task", 0, 100, 0}, {"task", 50, 100, 1}, {"task", 100, 120, 0}});
}

TEST(Perfetto, LargeTimelineStaysBalanced) {
  timeline t;
  constexpr unsigned kWorkers = 4;
  constexpr std::uint64_t kPolls = 200'000;
  for (unsigned w = 0; w < kWorkers; ++w) t.workers.push_back({w, "w" + std::to_string(w), 0});
  for (std::uint64_t id = 1; id <= 1000; ++id) t.tasks.push_back({id, id > 1 ? std::uint64_t{1} : 0, "task"});
  for (std::uint64_t i = 0; i < kPolls; ++i) {
    const unsigned w = static_cast<unsigned>(i % kWorkers);
    const std::uint64_t begin = (i / kWorkers) * 100;
    const std::uint64_t task = 1 + i % 1000;
    t.polls.push_back({w, task, begin, begin + 60});
    if (i % 10 == 0) t.wakes.push_back({task, begin + 80, timeline::waker_kind::task, 1 + (i + 7) % 1000});
  }
  trace_view v(coroscope::encode_perfetto(t));
  std::size_t worker_slices = 0, flows_out = 0, flows_in = 0;
  for (unsigned w = 0; w < kWorkers; ++w) worker_slices += v.slices_of("w" + std::to_string(w)).size();
  EXPECT_EQ(worker_slices, kPolls);
  for (const auto& [uuid, list] : v.slices) {
    for (const auto& s : list) {
      flows_out += s.flows_out.size();
      flows_in += s.flows_in.size();
    }
  }
  EXPECT_EQ(flows_out, flows_in);
  EXPECT_GT(flows_out, kPolls / 20);
}

TEST(Perfetto, WritesTheFile) {
  const std::string path = ::testing::TempDir() + "coroscope_perfetto_test.pftrace";
  coroscope::write_perfetto(known_schedule(), path);
  std::ifstream in(path, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), {}};
  EXPECT_EQ(bytes, coroscope::encode_perfetto(known_schedule()));
  std::remove(path.c_str());
  EXPECT_THROW(coroscope::write_perfetto(known_schedule(), "/nonexistent-dir/x.pftrace"), std::runtime_error);
}

}  // namespace
