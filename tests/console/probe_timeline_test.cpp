// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The timeline tab's data, end to end: a probe with its flight recorder on serves the
// recorder's window to a console; without the recorder, the answer is "not recording".
// The console's "Write trace" makes the probe write its window as a file on its host.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "console_test_support.hpp"
#include "coroscope/console_client.hpp"
#include "coroscope/coroscope.hpp"
#include "temp_dir.hpp"

namespace {

using namespace std::chrono_literals;

constexpr int kHops = 5;

boost::asio::awaitable<void> hop(int times) {
  for (int i = 0; i < times; ++i)
    co_await boost::asio::post(co_await boost::asio::this_coro::executor, boost::asio::use_awaitable);
}

/// The first reply to a timeline request from a console of `probe` (null: not recording).
std::shared_ptr<const coroscope::timeline> window_of(coroscope::probe& probe) {
  std::mutex m;
  std::vector<std::shared_ptr<const coroscope::timeline>> got;
  coroscope::console_server server(coroscope::make_console_source(probe), {.port = 0, .publish_interval = 10ms});
  coroscope::console_client_callbacks callbacks;
  callbacks.on_timeline = [&](std::shared_ptr<const coroscope::timeline> t) {
    std::lock_guard lock(m);
    got.push_back(std::move(t));
  };
  coroscope::console_client client({.port = server.port()}, callbacks);
  client.start();
  EXPECT_TRUE(client.wait_for(coroscope::connection_state::connected, 20s));
  client.request_timeline();
  EXPECT_TRUE(coroscope::test::eventually([&] {
    std::lock_guard lock(m);
    return !got.empty();
  }));
  client.stop();
  std::lock_guard lock(m);
  return got.empty() ? nullptr : got.front();
}

/// The replies to `times` TraceRequests from a console of `probe`.
std::vector<coroscope::trace_written> traces_of(coroscope::probe& probe, std::size_t times) {
  std::mutex m;
  std::vector<coroscope::trace_written> got;
  coroscope::console_server server(coroscope::make_console_source(probe), {.port = 0, .publish_interval = 10ms});
  coroscope::console_client_callbacks callbacks;
  callbacks.on_trace_written = [&](const coroscope::trace_written& t) {
    std::lock_guard lock(m);
    got.push_back(t);
  };
  coroscope::console_client client({.port = server.port()}, callbacks);
  client.start();
  EXPECT_TRUE(client.wait_for(coroscope::connection_state::connected, 20s));
  EXPECT_TRUE(client.state()->identity.serves_trace);
  for (std::size_t i = 0; i < times; ++i) client.request_trace();
  EXPECT_TRUE(coroscope::test::eventually([&] {
    std::lock_guard lock(m);
    return got.size() == times;
  }));
  client.stop();
  std::lock_guard lock(m);
  return got;
}

TEST(ProbeTimeline, WriteTraceWritesTheWindowIntoTheTraceDirectory) {
  coroscope::test::temp_dir dir;
  boost::asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "30s", .trace_dir = dir.path().string(), .read_environment = false}};
  boost::asio::co_spawn(probe.executor("hopper"), hop(kHops), boost::asio::detached);
  probe.run(1);
  const auto replies = traces_of(probe, 2);
  ASSERT_EQ(replies.size(), 2u);
  const coroscope::trace_written& first = replies[0];
  EXPECT_EQ(first.error, "");
  const std::filesystem::path path(first.path);
  EXPECT_EQ(path.parent_path(), dir.path());
  EXPECT_TRUE(path.filename().string().starts_with("console-")) << path;
  EXPECT_TRUE(path.filename().string().ends_with(".perfetto-trace")) << path;
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(std::filesystem::file_size(path), first.bytes);
  EXPECT_GT(first.bytes, 0u);
  // Asked again within console_options::trace_interval: told the same file, none written.
  EXPECT_EQ(replies[1].path, first.path);
  std::size_t console_traces = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    console_traces += entry.path().filename().string().starts_with("console-");
  EXPECT_EQ(console_traces, 1u);
}

TEST(ProbeTimeline, WithoutTheRecorderWriteTraceSaysWhy) {
  boost::asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "off", .read_environment = false}};
  boost::asio::co_spawn(probe.executor("hopper"), hop(1), boost::asio::detached);
  probe.run(1);
  const auto replies = traces_of(probe, 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].path, "");
  EXPECT_NE(replies[0].error.find("flight recorder is off"), std::string::npos) << replies[0].error;
}

TEST(ProbeTimeline, TheRecordersWindowReachesTheConsole) {
  boost::asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "30s"}};
  boost::asio::co_spawn(probe.executor("hopper"), hop(kHops), boost::asio::detached);
  probe.run(1);  // returns once the task has ended: every poll is in the window
  const auto window = window_of(probe);
  ASSERT_NE(window, nullptr) << "the recorder is on: a window, not \"not recording\"";
  const auto task = std::find_if(window->tasks.begin(), window->tasks.end(),
                                 [](const auto& t) { return t.name == "hopper"; });
  ASSERT_NE(task, window->tasks.end());
  const auto polls = std::count_if(window->polls.begin(), window->polls.end(),
                                   [&](const auto& p) { return p.task_id == task->id; });
  EXPECT_EQ(polls, kHops + 1);  // the first poll and one per hop
}

TEST(ProbeTimeline, WithoutTheRecorderTheConsoleHearsNotRecording) {
  boost::asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "off"}};
  boost::asio::co_spawn(probe.executor("hopper"), hop(1), boost::asio::detached);
  probe.run(1);
  EXPECT_EQ(window_of(probe), nullptr);
}

}  // namespace
