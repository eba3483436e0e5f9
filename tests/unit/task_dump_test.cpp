// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Task dumps: the async stack of every suspended task, taken from another thread while a
// worker runs.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "coroscope/coroscope.hpp"

namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
using channel = boost::asio::experimental::channel<void(boost::system::error_code, int)>;

// Polls `done` (a state another thread reaches) until it holds or 30 s pass.
bool eventually(const std::function<bool()>& done) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::yield();
  }
  return true;
}

const coroscope::dumped_task* find(const coroscope::task_dump& d, const std::string& name) {
  for (const auto& t : d.tasks)
    if (t.name == name) return &t;
  return nullptr;
}

awaitable<void> wait_on_timer(boost::asio::steady_timer& timer) {
  boost::system::error_code ec;
  co_await timer.async_wait(boost::asio::redirect_error(use_awaitable, ec));
}
awaitable<void> handle_request(boost::asio::steady_timer& timer) { co_await wait_on_timer(timer); }
awaitable<void> serve_session(boost::asio::steady_timer& timer) { co_await handle_request(timer); }

awaitable<void> receive_order(channel& ch) {
  boost::system::error_code ec;
  (void)co_await ch.async_receive(boost::asio::redirect_error(use_awaitable, ec));
}
awaitable<void> order_loop(channel& ch) { co_await receive_order(ch); }

// Found, waiting, and with `frames` frames when that is not 0.
bool waits(const coroscope::dumped_task* t, std::size_t frames = 0) {
  return t && t->state == coroscope::dump_state::waiting && (frames == 0 || t->async_stack.size() == frames);
}

std::vector<std::string> functions(const coroscope::dumped_task& t) {
  std::vector<std::string> out;
  for (const auto& f : t.async_stack) out.push_back(f.function);
  return out;
}

struct worker {
  explicit worker(coroscope::probe& p) : thread([&p] { p.run(1); }) {}
  ~worker() { thread.join(); }
  std::thread thread;
};

TEST(TaskDump, SuspendedTasksShowTheirChainLeafFirst) {
  boost::asio::io_context io;
  coroscope::probe p{io};
  boost::asio::steady_timer timer{io, std::chrono::hours(1)};
  channel ch{io};
  boost::asio::co_spawn(p.executor("session"), serve_session(timer), boost::asio::detached);
  boost::asio::co_spawn(p.executor("orders"), order_loop(ch), boost::asio::detached);
  coroscope::task_dump dump;
  {
    worker w{p};
    ASSERT_TRUE(eventually([&] {
      dump = p.dump_tasks();
      return waits(find(dump, "session")) && waits(find(dump, "orders"));
    }));
    boost::asio::post(io, [&] {
      timer.cancel();
      ch.close();
    });
  }
  const auto* session = find(dump, "session");
  EXPECT_EQ(functions(*session),
            (std::vector<std::string>{"wait_on_timer", "handle_request", "serve_session"}));
  EXPECT_FALSE(session->async_stack_cut);  // walked up to its root
  for (const auto& f : session->async_stack) {
    EXPECT_NE(f.file.find("task_dump_test.cpp"), std::string::npos) << f.file;
    EXPECT_GT(f.line, 0u);
  }
  EXPECT_EQ(functions(*find(dump, "orders")),
            (std::vector<std::string>{"receive_order", "order_loop"}));

  const std::string text = coroscope::to_string(dump);
  EXPECT_NE(text.find("\"session\" [waiting"), std::string::npos) << text;
  EXPECT_LT(text.find("wait_on_timer"), text.find("serve_session")) << text;
  EXPECT_NE(text.find("task_dump_test.cpp:"), std::string::npos) << text;
}

awaitable<void> spin_until(std::atomic<bool>& started, std::atomic<bool>& release) {
  started = true;
  while (!release.load()) std::this_thread::yield();  // one poll that does not yield
  co_return;
}

awaitable<void> hop_once() {
  co_await boost::asio::post(co_await boost::asio::this_coro::executor, use_awaitable);
}

TEST(TaskDump, RunningQueuedAndStartingTasksSaySo) {
  boost::asio::io_context io;
  coroscope::probe p{io};
  std::atomic<bool> started{false}, release{false};
  // One worker, FIFO: "hopper" runs and posts its continuation, then "spinner" holds the
  // worker, so the continuation stays queued; "late", spawned after, never starts.
  boost::asio::co_spawn(p.executor("hopper"), hop_once(), boost::asio::detached);
  boost::asio::co_spawn(p.executor("spinner"), spin_until(started, release), boost::asio::detached);
  boost::asio::co_spawn(p.executor("late"), hop_once(), boost::asio::detached);
  coroscope::task_dump dump;
  {
    worker w{p};
    ASSERT_TRUE(eventually([&] { return started.load(); }));
    dump = p.dump_tasks();
    release = true;
  }
  const auto* spinner = find(dump, "spinner");
  ASSERT_NE(spinner, nullptr);
  EXPECT_EQ(spinner->state, coroscope::dump_state::running);
  EXPECT_TRUE(spinner->async_stack.empty());
  const auto* hopper = find(dump, "hopper");
  ASSERT_NE(hopper, nullptr);
  EXPECT_EQ(hopper->state, coroscope::dump_state::queued);
  EXPECT_EQ(functions(*hopper), std::vector<std::string>{"hop_once"});
  const auto* late = find(dump, "late");
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(late->state, coroscope::dump_state::starting);
  EXPECT_NE(coroscope::to_string(dump).find("\"spinner\" [running]"), std::string::npos);
}

awaitable<void> send_and_hold(channel& ch, std::atomic<bool>& sent, std::atomic<bool>& release) {
  EXPECT_TRUE(ch.try_send(boost::system::error_code{}, 7));  // completes the waiting receive
  sent = true;
  while (!release.load()) std::this_thread::yield();  // the same poll holds the one worker
  co_return;
}

TEST(TaskDump, ATaskWokenByAChannelSendIsQueued) {
  boost::asio::io_context io;
  coroscope::probe p{io};
  channel ch{io};
  std::atomic<bool> sent{false}, release{false};
  // Plain co_spawn, as a service would: the consumer waits on the channel, then the
  // producer's poll sends and keeps the only worker, so the consumer's resumption waits.
  boost::asio::co_spawn(io, order_loop(ch), boost::asio::detached);
  coroscope::task_dump before, after;
  {
    worker w{p};
    ASSERT_TRUE(eventually([&] {
      before = p.dump_tasks();
      return before.tasks.size() == 1 && before.tasks[0].state == coroscope::dump_state::waiting;
    }));
    boost::asio::co_spawn(io, send_and_hold(ch, sent, release), boost::asio::detached);
    const bool was_sent = eventually([&] { return sent.load(); });
    if (was_sent) after = p.dump_tasks();
    release = true;  // before the worker is joined, whatever happened
    ASSERT_TRUE(was_sent);
  }
  const auto consumer = std::find_if(after.tasks.begin(), after.tasks.end(),
                                     [&](const auto& t) { return t.id == before.tasks[0].id; });
  ASSERT_NE(consumer, after.tasks.end());
  EXPECT_EQ(consumer->state, coroscope::dump_state::queued);
  EXPECT_EQ(functions(*consumer), (std::vector<std::string>{"receive_order", "order_loop"}));
}

TEST(TaskDump, StuckWarningSaysWhereTheTaskWaits) {
  boost::asio::io_context io;
  coroscope::probe p{io, {.stuck_threshold = std::chrono::milliseconds(30)}};
  boost::asio::steady_timer gate{io, std::chrono::hours(1)};
  boost::asio::co_spawn(p.executor("stuck"), serve_session(gate), boost::asio::detached);
  coroscope::snapshot during;
  // Checked on the worker itself until the lint fired (the stuck task stays suspended).
  std::function<void()> check = [&] {
    during = p.snapshot();
    for (const auto& w : during.warnings)
      if (w.lint == "stuck") {
        gate.cancel();
        return;
      }
    boost::asio::post(io, check);
  };
  boost::asio::post(io, check);
  p.run(1);
  const coroscope::warning_info* stuck = nullptr;
  for (const auto& w : during.warnings)
    if (w.lint == "stuck") stuck = &w;
  ASSERT_NE(stuck, nullptr);
  EXPECT_NE(stuck->message.find(
                "waiting in wait_on_timer (task_dump_test.cpp:"),
            std::string::npos)
      << stuck->message;
  EXPECT_NE(stuck->message.find("<- serve_session (task_dump_test.cpp:"), std::string::npos)
      << stuck->message;
}

awaitable<void> wait_gate(boost::asio::steady_timer& gate) {
  boost::system::error_code ec;
  co_await gate.async_wait(boost::asio::redirect_error(use_awaitable, ec));
}
awaitable<void> first_timed_then_plain(boost::asio::steady_timer& first, boost::asio::steady_timer& second) {
  TIMED_AWAIT_AS("first gate", wait_gate(first));
  co_await wait_gate(second);  // not timed itself: inside the caller's TIMED_AWAIT
}
awaitable<void> timed_request(boost::asio::steady_timer& first, boost::asio::steady_timer& second) {
  TIMED_AWAIT_AS("whole request", first_timed_then_plain(first, second));
}

TEST(TaskDump, ATaskInsideATimedAwaitSaysWhichAndForHowLong) {
  boost::asio::io_context io;
  coroscope::probe p{io};
  boost::asio::steady_timer first{io, std::chrono::hours(1)}, second{io, std::chrono::hours(1)};
  boost::asio::co_spawn(p.executor("request"), timed_request(first, second), boost::asio::detached);
  coroscope::task_dump inner, outer;
  const auto awaiting = [](const coroscope::task_dump& d, const std::string& site) {
    const auto* t = find(d, "request");
    return t && t->state == coroscope::dump_state::waiting && t->awaiting && t->awaiting->name == site;
  };
  {
    worker w{p};
    ASSERT_TRUE(eventually([&] { return awaiting(inner = p.dump_tasks(), "first gate"); }));
    boost::asio::post(io, [&] { first.cancel(); });
    // The inner await over, the enclosing one is where the task waits again.
    ASSERT_TRUE(eventually([&] { return awaiting(outer = p.dump_tasks(), "whole request"); }));
    boost::asio::post(io, [&] { second.cancel(); });
  }
  const coroscope::awaited_site& in = *find(inner, "request")->awaiting;
  EXPECT_NE(in.file.find("task_dump_test.cpp"), std::string::npos) << in.file;
  const coroscope::awaited_site& out = *find(outer, "request")->awaiting;
  EXPECT_EQ(out.file, in.file);
  EXPECT_GT(out.line, in.line);  // timed_request is defined below first_timed_then_plain
  EXPECT_GE(out.waited, in.waited);  // it began first
  const std::string text = coroscope::to_string(inner);
  EXPECT_NE(text.find("in TIMED_AWAIT \"first gate\" at "), std::string::npos) << text;
  EXPECT_LT(text.find("in TIMED_AWAIT"), text.find("wait_gate")) << text;
}

awaitable<void> await_reply(boost::asio::steady_timer& gate) { TIMED_AWAIT_AS("reply", wait_gate(gate)); }
awaitable<void> send_request(boost::asio::steady_timer& gate) { co_await await_reply(gate); }

TEST(TaskDump, SlowAwaitIsToldWhileItStillWaitsWithTheStack) {
  boost::asio::io_context io;
  coroscope::probe p{io, {.slow_await_threshold = std::chrono::milliseconds(30)}};
  boost::asio::steady_timer gate{io, std::chrono::hours(1)};
  boost::asio::co_spawn(p.executor("client"), send_request(gate), boost::asio::detached);
  std::string during;
  // Checked on the worker itself until the lint fired (the waiting task stays suspended).
  std::function<void()> check = [&] {
    for (const auto& w : p.snapshot().warnings)
      if (w.lint == "slow-await") {
        during = w.message;
        gate.cancel();
        return;
      }
    boost::asio::post(io, check);
  };
  boost::asio::post(io, check);
  p.run(1);
  EXPECT_NE(during.find("reply at "), std::string::npos) << during;
  EXPECT_NE(during.find(" still waiting after "), std::string::npos) << during;
  EXPECT_NE(during.find(", in wait_gate (task_dump_test.cpp:"), std::string::npos) << during;
  EXPECT_NE(during.find("<- send_request (task_dump_test.cpp:"), std::string::npos) << during;
  // When it ends, the same warning says how long it took, still with where: one slow await.
  const coroscope::snapshot after = p.snapshot();
  const coroscope::warning_info* slow = nullptr;
  for (const auto& w : after.warnings)
    if (w.lint == "slow-await") slow = &w;
  ASSERT_NE(slow, nullptr);
  EXPECT_NE(slow->message.find(" took "), std::string::npos) << slow->message;
  EXPECT_NE(slow->message.find(", in wait_gate (task_dump_test.cpp:"), std::string::npos) << slow->message;
  EXPECT_EQ(slow->occurrences, 1u);
}

// Lines of the co_awaits the next test's tasks wait on, set as the coroutines pass them
// (on the worker; the test reads them while it runs).
std::atomic<std::uint32_t> g_leaf_wait_line{0};
std::atomic<std::uint32_t> g_caller_wait_line{0};
std::atomic<std::uint32_t> g_first_wait_line{0};

awaitable<void> wait_between(boost::asio::steady_timer& passed, boost::asio::steady_timer& gate) {
  boost::system::error_code ec;
  co_await passed.async_wait(boost::asio::redirect_error(use_awaitable, ec));
  g_leaf_wait_line = __LINE__ + 1;
  co_await gate.async_wait(boost::asio::redirect_error(use_awaitable, ec));
  co_await passed.async_wait(boost::asio::redirect_error(use_awaitable, ec));
}
awaitable<void> call_between(boost::asio::steady_timer& passed, boost::asio::steady_timer& gate) {
  co_await boost::asio::post(co_await boost::asio::this_coro::executor, use_awaitable);
  g_caller_wait_line = __LINE__ + 1;
  co_await wait_between(passed, gate);
  co_await boost::asio::post(co_await boost::asio::this_coro::executor, use_awaitable);
}
// The first of three awaits of one type: an order read backwards would name the last.
awaitable<void> wait_first(boost::asio::steady_timer& gate, boost::asio::steady_timer& passed) {
  boost::system::error_code ec;
  g_first_wait_line = __LINE__ + 1;
  co_await gate.async_wait(boost::asio::redirect_error(use_awaitable, ec));
  co_await passed.async_wait(boost::asio::redirect_error(use_awaitable, ec));
  co_await passed.async_wait(boost::asio::redirect_error(use_awaitable, ec));
}

TEST(TaskDump, EachFrameSaysTheLineItWaitsOn) {
  boost::asio::io_context io;
  coroscope::probe p{io};
  boost::asio::steady_timer passed{io, std::chrono::steady_clock::time_point{}};
  boost::asio::steady_timer gate{io, std::chrono::hours(1)};
  boost::asio::co_spawn(io, call_between(passed, gate), boost::asio::detached);
  boost::asio::co_spawn(io, wait_first(gate, passed), boost::asio::detached);
  coroscope::task_dump dump;
  {
    worker w{p};
    // Dumps taken once both tasks have passed the line before their gate wait: earlier,
    // a task suspended for a moment on `passed` may be polled again while it is dumped.
    ASSERT_TRUE(eventually([&] {
      if (g_leaf_wait_line == 0 || g_first_wait_line == 0) return false;
      dump = p.dump_tasks();
      return waits(find(dump, "call_between"), 2) && waits(find(dump, "wait_first"), 1);
    }));
    boost::asio::post(io, [&] { gate.cancel(); });
  }
  const auto& stack = find(dump, "call_between")->async_stack;
  ASSERT_EQ(functions(*find(dump, "call_between")),
            (std::vector<std::string>{"wait_between", "call_between"}));
  const auto& first = find(dump, "wait_first")->async_stack[0];
#if defined(__OPTIMIZE__) && !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
  // An optimized build inlines each await_suspend with its co_await's position.
  EXPECT_EQ(stack[0].line, g_leaf_wait_line.load());
  EXPECT_EQ(stack[1].line, g_caller_wait_line.load());
  EXPECT_EQ(first.line, g_first_wait_line.load());
#else
  // Unoptimized, the points cannot be told apart: a frame keeps its function's line.
  EXPECT_LE(stack[0].line, g_leaf_wait_line.load());
  EXPECT_LE(stack[1].line, g_caller_wait_line.load());
  EXPECT_LE(first.line, g_first_wait_line.load());
#endif
  for (const auto& f : stack) EXPECT_NE(f.file.find("task_dump_test.cpp"), std::string::npos) << f.file;
  EXPECT_NE(coroscope::to_string(dump).find("task_dump_test.cpp:" + std::to_string(stack[0].line)),
            std::string::npos);
}

TEST(TaskDump, TextSaysHowManyTasksEndedWhileItWasTaken) {
  coroscope::task_dump dump;
  coroscope::dumped_task left;
  left.id = 3;
  left.name = "left";
  dump.tasks.push_back(left);
  EXPECT_EQ(coroscope::to_string(dump).find("ended while"), std::string::npos);
  dump.ended_while_taken = 2;
  const std::string text = coroscope::to_string(dump);
  EXPECT_NE(text.find("\n\n(2 tasks ended while the dump was taken)\n"), std::string::npos) << text;
  dump.tasks.clear();
  dump.ended_while_taken = 1;
  EXPECT_EQ(coroscope::to_string(dump), "(1 task ended while the dump was taken)\n");
}

TEST(TaskDump, EmptyWithoutTasks) {
  boost::asio::io_context io;
  coroscope::probe p{io};
  EXPECT_TRUE(p.dump_tasks().tasks.empty());
  EXPECT_EQ(coroscope::to_string(p.dump_tasks()), "");
}

}  // namespace
