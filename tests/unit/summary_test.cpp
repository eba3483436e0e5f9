// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// format_summary's text: the "(no task)" bucket, operations by kind and per task, and the
// resources table, from a snapshot built here and from a real probe.
#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "coroscope/coroscope.hpp"

namespace {

using namespace std::chrono_literals;
using coroscope::snapshot;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

/// The lines of section `title` (its title line excluded), up to the next blank line.
std::vector<std::string> section(const std::string& text, const std::string& title) {
  std::vector<std::string> out;
  bool in = false;
  for (const auto& line : lines_of(text)) {
    if (!in) {
      in = line.rfind(title, 0) == 0;
      continue;
    }
    if (line.empty()) break;
    out.push_back(line);
  }
  return out;
}

/// The whitespace-separated words of `line`.
std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

coroscope::duration_histogram waits(std::chrono::nanoseconds p50, std::chrono::nanoseconds p99,
                                    std::uint64_t count) {
  coroscope::duration_histogram h;
  h.count = count;
  h.p50 = p50;
  h.p90 = p99;
  h.p99 = p99;
  h.max = p99;
  return h;
}

snapshot with_operations() {
  snapshot s;
  s.service_name = "svc";
  coroscope::task_info reader;
  reader.id = 3;
  reader.name = "reader";
  reader.busy = 5ms;
  reader.operations = {{"timer_wait", 4}, {"socket_read", 600}, {"post", 0}};
  coroscope::task_info idle;
  idle.id = 4;
  idle.name = "quiet";
  idle.busy = 1ms;
  s.tasks = {idle, reader};
  s.no_task.polls = 12;
  s.no_task.busy = 1500us;
  s.operation_kinds = {{"socket_read", 600, waits(1200us, 9ms, 60)},
                       {"timer_wait", 4, waits(100ms, 100ms, 4)}};
  coroscope::resource_info socket;
  socket.id = 1;
  socket.kind = "socket";
  socket.native_handle = 17;
  socket.timed_operations = 60;
  socket.waits = waits(1200us, 9ms, 60);
  socket.last_task_id = 3;
  socket.last_task_name = "reader";
  coroscope::resource_info timer;
  timer.id = 2;
  timer.kind = "timer";
  timer.timed_operations = 4;
  timer.waits = waits(100ms, 100ms, 4);
  coroscope::resource_info closed = socket;
  closed.id = 5;
  closed.native_handle = 9;
  closed.closed = true;
  closed.timed_operations = 2;
  // The snapshot's order is most recently active first; the table's is most timed first.
  s.resources = {timer, closed, socket};
  s.dropped_resources = 3;
  return s;
}

TEST(Summary, NoTaskBucketIsALineOfTheTaskTableWithItsPollsAndBusy) {
  const std::string text = coroscope::format_summary(with_operations());
  const auto tasks = section(text, "Tasks (");
  ASSERT_GE(tasks.size(), 4u);
  const auto header = words(tasks[0]);
  const auto bucket = words(tasks.back());
  ASSERT_GE(bucket.size(), 5u) << tasks.back();
  EXPECT_EQ(bucket[2], "(no");
  EXPECT_EQ(bucket[3], "task)");
  EXPECT_EQ(bucket[4], "1.5ms");
  EXPECT_EQ(bucket[5], "12");
  // Under the task table's own busy and polls columns.
  EXPECT_EQ(tasks.back().find("1.5ms") + 5, tasks[0].find("busy") + 4) << text;
  EXPECT_EQ(tasks.back().find(" 12 ") + 3, tasks[0].find("polls") + 5) << text;

  snapshot without = with_operations();
  without.no_task = {};
  EXPECT_EQ(coroscope::format_summary(without).find("(no task)"), std::string::npos);
}

TEST(Summary, OperationsByKindWithCountsAndWaits) {
  const auto rows = section(coroscope::format_summary(with_operations()), "Operations (");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(words(rows[0]), (std::vector<std::string>{"kind", "started", "timed", "p50", "p90",
                                                       "p99", "max"}));
  EXPECT_EQ(words(rows[1]), (std::vector<std::string>{"socket_read", "600", "60", "1.2ms", "9.0ms",
                                                       "9.0ms", "9.0ms"}));
  EXPECT_EQ(words(rows[2])[0], "timer_wait");
  EXPECT_EQ(words(rows[2])[3], "100.0ms");
}

TEST(Summary, OperationsPerTaskListKindsMostStartedFirst) {
  const auto rows = section(coroscope::format_summary(with_operations()), "Operations per task");
  ASSERT_EQ(rows.size(), 2u);  // the header and the reader: "quiet" started none
  EXPECT_EQ(words(rows[1]), (std::vector<std::string>{"3", "reader", "604", "socket_read", "600,",
                                                       "timer_wait", "4"}));

  // Many kinds are cut to the width, never wrapped.
  // Many kinds are cut to the width, never wrapped; whatever the lengths, every line fits.
  for (std::size_t extra = 0; extra < 12; ++extra) {
    snapshot s = with_operations();
    for (int i = 0; i < 12; ++i)
      s.tasks[1].operations.push_back({"kind_" + std::string(extra, 'x') + std::to_string(i), 1});
    const auto cut = section(coroscope::format_summary(s), "Operations per task");
    ASSERT_EQ(cut.size(), 2u);
    EXPECT_LE(cut[1].size(), 100u) << cut[1];
    EXPECT_EQ(cut[1].substr(cut[1].size() - 5), ", ...") << cut[1];
    EXPECT_NE(cut[1].find("socket_read 600, timer_wait 4, kind_"), std::string::npos) << cut[1];
  }
  snapshot one = with_operations();
  one.tasks[1].operations = {{std::string(70, 'k'), 1}};
  const auto alone = section(coroscope::format_summary(one), "Operations per task");
  ASSERT_EQ(alone.size(), 2u);
  EXPECT_EQ(words(alone[1]).back(), "...");
}

TEST(Summary, ResourcesMostTimedFirstWithHandleStateAndLastTask) {
  const std::string text = coroscope::format_summary(with_operations());
  EXPECT_NE(text.find("Resources (3 of 3, most timed operations first; 3 forgotten to stay bounded)"),
            std::string::npos)
      << text;
  const auto rows = section(text, "Resources (");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(words(rows[0]), (std::vector<std::string>{"id", "kind", "handle", "state", "timed",
                                                       "ops", "p50", "p99", "last", "task"}));
  EXPECT_EQ(words(rows[1]), (std::vector<std::string>{"1", "socket", "17", "open", "60", "1.2ms",
                                                       "9.0ms", "3", "reader"}));
  EXPECT_EQ(words(rows[2]), (std::vector<std::string>{"2", "timer", "-", "open", "4", "100.0ms",
                                                       "100.0ms", "-"}));
  EXPECT_EQ(words(rows[3])[3], "closed");
  EXPECT_EQ(words(rows[3])[2], "9");

  // Limited to the busiest; the last task named as the task table names it (the name the
  // resource kept may be from before the task had one), or as kept once the task is gone.
  snapshot s = with_operations();
  s.resources[2].last_task_name = "";
  s.resources[1].last_task_id = 99;
  s.resources[1].last_task_name = "gone";
  const auto top = section(coroscope::format_summary(s, 20, 2), "Resources (");
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(words(top[1])[0], "1");
  EXPECT_EQ(words(top[1])[8], "reader");
  EXPECT_EQ(words(top[2])[0], "2");
  s.resources = {s.resources[1]};
  const auto gone = section(coroscope::format_summary(s), "Resources (");
  ASSERT_EQ(gone.size(), 2u);
  EXPECT_EQ(words(gone[1])[8], "gone");
}

TEST(Summary, NewSectionsFitInOneHundredColumns) {
  snapshot s = with_operations();
  s.tasks[1].name = std::string(80, 'n');
  s.resources[2].last_task_name = std::string(80, 'r');
  s.operation_kinds[0].kind = std::string(40, 'k');
  const std::string text = coroscope::format_summary(s);
  for (const char* title : {"Operations (", "Operations per task", "Resources ("})
    for (const auto& line : section(text, title)) EXPECT_LE(line.size(), 100u) << line;
}

TEST(Summary, EmptySnapshotHasNoOperationSections) {
  const std::string text = coroscope::format_summary(snapshot{});
  EXPECT_EQ(text.find("Operations"), std::string::npos);
  EXPECT_EQ(text.find("Resources"), std::string::npos);
  EXPECT_EQ(text.find("(no task)"), std::string::npos);
}

TEST(Summary, EndsWithCoroscopesOwnCost) {
  snapshot s;
  s.self.polls = 1020;
  s.self.events = 300;
  s.self.event_cost = 20ns;
  s.self.ns_per_poll = 45.6;
  s.self.collector_cpu = 40ms;
  s.self.sampler_cpu = 20ms;
  s.self.cpu_ratio = 0.005;
  s.self.ring_bytes = 768 * 1024;
  s.self.table_bytes = 64 * 1024;
  const auto lines = lines_of(coroscope::format_summary(s));
  ASSERT_GE(lines.size(), 3u);
  const std::vector<std::string> tail(lines.end() - 3, lines.end());
  EXPECT_EQ(tail[0], "coroscope's own cost: 46 ns per poll (1020 polls, 300 events at 20ns)");
  EXPECT_EQ(tail[1], "  CPU 0.50% of one core: collector 40.0ms, sampler 20.0ms");
  EXPECT_EQ(tail[2], "  memory held: rings 768.0 KiB, recorder -, tables 64.0 KiB");

  s.self.recorder_bytes = 48 * 1024;
  s.self.recorder_lost_events = 1200;
  s.self.recorder_lost_samples = 7;
  const auto with_recorder = lines_of(coroscope::format_summary(s));
  ASSERT_GE(with_recorder.size(), 2u);
  EXPECT_EQ(with_recorder[with_recorder.size() - 2], "  memory held: rings 768.0 KiB, recorder 48.0 KiB, tables 64.0 KiB");
  EXPECT_EQ(with_recorder.back(), "  the recorder's bounds took 1200 events and 7 CPU samples from its window");
}

boost::asio::awaitable<void> waits_twice() {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (int i = 0; i < 2; ++i) {
    timer.expires_after(1ms);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

TEST(Summary, ShowsWhatAProbeSawWithoutAnnotations) {
  boost::asio::io_context io;
  coroscope::probe probe{io, {.service_name = "summary", .timing_interval = 1}};
  constexpr int kOutside = 3;
  std::atomic<int> outside{0};
  boost::asio::co_spawn(io, waits_twice(), boost::asio::detached);
  for (int i = 0; i < kOutside; ++i) boost::asio::post(io, [&outside] { ++outside; });
  io.run();
  ASSERT_EQ(outside.load(), kOutside);
  const std::string text = coroscope::format_summary(probe.snapshot());

  const auto tasks = section(text, "Tasks (");
  ASSERT_FALSE(tasks.empty());
  const auto bucket = words(tasks.back());
  ASSERT_GE(bucket.size(), 6u) << text;
  EXPECT_EQ(bucket[2] + ' ' + bucket[3], "(no task)") << text;
  EXPECT_EQ(bucket[5], std::to_string(kOutside)) << text;

  bool timer_kind = false;
  for (const auto& row : section(text, "Operations ("))
    timer_kind |= words(row)[0] == "timer_wait" && words(row)[1] == "2" && words(row)[2] == "2";
  EXPECT_TRUE(timer_kind) << text;
  const auto per_task = section(text, "Operations per task");
  ASSERT_EQ(per_task.size(), 2u) << text;
  EXPECT_EQ(words(per_task[1])[1], "waits_twice") << text;
  EXPECT_NE(per_task[1].find("timer_wait 2"), std::string::npos) << text;
  bool timer_resource = false;
  const auto resources = section(text, "Resources (");
  for (std::size_t i = 1; i < resources.size(); ++i) {
    const auto row = words(resources[i]);
    ASSERT_GE(row.size(), 8u) << text;
    timer_resource |= row[1] == "timer" && row[4] == "2";
    // Every resource here was last used by the one task, named as the task table names it
    // (also those used before the task's name was known).
    if (row[7] != "-") {
      ASSERT_EQ(row.size(), 9u) << resources[i];
      EXPECT_EQ(row[8], "waits_twice") << resources[i];
    }
  }
  EXPECT_TRUE(timer_resource) << text;
}

}  // namespace
