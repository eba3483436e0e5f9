// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The console's task details carry the async stack of a suspended task (from a task dump)
// and the TIMED_AWAIT it waits in, so the viewer's Async stack panel shows where it waits.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
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

// Runs `body(gate)` as a task named `name` on a probe served to a console client, calls
// `check(client, id)` once the client has seen the task polled, then opens the gate.
template <typename Body, typename Check>
void with_served_task(const char* name, Body body, Check check) {
  boost::asio::io_context io;
  coroscope::probe probe{io, {.service_name = "console-stack"}};
  boost::asio::steady_timer gate{io, std::chrono::hours(1)};
  boost::asio::co_spawn(probe.executor(name), body(gate), boost::asio::detached);
  std::thread worker([&] { probe.run(1); });

  coroscope::console_server server(coroscope::make_console_source(probe),
                                   {.port = 0, .publish_interval = 10ms});
  coroscope::console_client client({.port = server.port()});
  client.start();
  std::uint64_t id = 0;
  const bool seen = client.wait_for(
      [&](const coroscope::console_state& s) {
        for (const auto& [task_id, t] : s.tasks)
          if (t.name == name && t.polls > 0) id = task_id;
        return id != 0;
      },
      20s);
  if (seen)
    check(client, id);
  else
    ADD_FAILURE() << "the console never saw task " << name << " polled";
  client.stop();
  boost::asio::post(io, [&] { gate.cancel(); });
  worker.join();
}

TEST(TaskDetailsStack, ASuspendedTaskShowsWhereItWaits) {
  with_served_task("gatekeeper", gatekeeper, [](coroscope::console_client& client, std::uint64_t id) {
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
  });
}

boost::asio::awaitable<void> timed_gatekeeper(boost::asio::steady_timer& gate) {
  TIMED_AWAIT_AS("gate.open", await_gate(gate));
}

// Inside a TIMED_AWAIT, the details also say which one and how long it has waited.
TEST(TaskDetailsStack, ATaskInsideATimedAwaitSaysWhichAndForHowLong) {
  const auto began = std::chrono::steady_clock::now();  // before the await began
  with_served_task("timed-gatekeeper", timed_gatekeeper, [&](coroscope::console_client& client, std::uint64_t id) {
    std::optional<coroscope::awaited_site> awaiting;
    ASSERT_TRUE(coroscope::test::eventually([&] {
      client.request_task_details(id);
      const auto d = client.last_details();
      if (!d || d->task.id != id || !d->awaiting) return false;
      awaiting = d->awaiting;
      return true;
    }));
    EXPECT_EQ(awaiting->name, "gate.open");
    EXPECT_TRUE(awaiting->file.ends_with("task_details_stack_test.cpp")) << awaiting->file;
    EXPECT_GT(awaiting->line, 0u);
    EXPECT_LE(awaiting->waited, std::chrono::steady_clock::now() - began);  // never more than it can be
  });
}

}  // namespace
