// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The console's task details carry the async stack of a suspended task (from a task dump),
// so the viewer's Async stack panel shows where it waits.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "console_test_support.hpp"
#include "coroscope/console_client.hpp"
#include "coroscope/console_state.hpp"
#include "coroscope/coroscope.hpp"

namespace {

using namespace std::chrono_literals;

boost::asio::awaitable<void> await_gate(boost::asio::steady_timer& gate) {
  boost::system::error_code ec;
  co_await gate.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
}
boost::asio::awaitable<void> gatekeeper(boost::asio::steady_timer& gate) { co_await await_gate(gate); }

TEST(TaskDetailsStack, ASuspendedTaskShowsWhereItWaits) {
  boost::asio::io_context io;
  coroscope::probe probe{io, {.service_name = "console-stack"}};
  boost::asio::steady_timer gate{io, std::chrono::hours(1)};
  boost::asio::co_spawn(probe.executor("gatekeeper"), gatekeeper(gate), boost::asio::detached);
  std::thread worker([&] { probe.run(1); });

  coroscope::console_server server(coroscope::make_console_source(probe),
                                   {.port = 0, .publish_interval = 10ms});
  coroscope::console_client client({.port = server.port()});
  client.start();
  std::uint64_t id = 0;
  ASSERT_TRUE(client.wait_for(
      [&](const coroscope::console_state& s) {
        for (const auto& [task_id, t] : s.tasks)
          if (t.name == "gatekeeper" && t.polls > 0) id = task_id;
        return id != 0;
      },
      20s));
  // Asked again until the answer has a stack: the first may come before it suspended.
  std::vector<std::string> functions;
  bool cut = true;
  ASSERT_TRUE(coroscope::test::eventually([&] {
    client.request_task_details(id);
    const auto d = client.last_details();
    if (!d || d->task.id != id || d->async_stack.empty()) return false;
    functions.clear();
    for (const auto& f : d->async_stack) functions.push_back(f.function);
    cut = d->async_stack_cut;
    return true;
  }));
  EXPECT_EQ(functions, (std::vector<std::string>{"await_gate", "gatekeeper"}));
  EXPECT_FALSE(cut);  // the whole chain, down to the task's own coroutine
  client.stop();
  boost::asio::post(io, [&] { gate.cancel(); });
  worker.join();
}

}  // namespace
