// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The timeline tab's data, end to end: a probe with its flight recorder on serves the
// recorder's window to a console; without the recorder, the answer is "not recording".
#include <gtest/gtest.h>

#include <algorithm>
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
