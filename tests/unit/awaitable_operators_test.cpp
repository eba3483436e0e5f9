// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Coroutines that suspend where Asio's hooks see nothing: an awaitable operator (`a || b`)
// co_spawns each side and awaits the group as a deferred operation, and the side that ends
// last resumes the awaiting coroutine inline, from its spawn's completion handler; a
// coroutine may await deferred operations itself. Plain Asio, no coroscope call but the
// probe; each program counts its own resumptions.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "coroscope/coroscope.hpp"
#include "eventually.hpp"

namespace awaitable_operators_test {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;

constexpr int kRounds = 20;

// Each round races a timer that is due at once against one that never is.
asio::awaitable<void> racer(int& resumptions) {
  ++resumptions;
  const auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < kRounds; ++i) {
    asio::steady_timer due(ex, 0ms), never(ex, 1h);
    co_await (due.async_wait(asio::use_awaitable) || never.async_wait(asio::use_awaitable));
    ++resumptions;
  }
}

asio::awaitable<int> child() {
  co_await asio::post(asio::use_awaitable);
  co_return 1;
}

// Awaits each child it spawns: the child's completion resumes it inline.
asio::awaitable<void> awaiter(int& resumptions) {
  ++resumptions;
  const auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < kRounds; ++i) {
    co_await asio::co_spawn(ex, child(), asio::use_awaitable);
    ++resumptions;
  }
}

const coroscope::task_info* named(const coroscope::snapshot& s, std::string_view name) {
  for (const auto& t : s.tasks)
    if (t.name == name) return &t;
  return nullptr;
}

std::uint64_t operations(const coroscope::task_info& t, std::string_view kind) {
  for (const auto& op : t.operations)
    if (op.kind == kind) return op.count;
  return 0;
}

// On the io_context's executor, and on a strand (where each side's completion is handed
// on to the strand, and the side's last resumption runs in the strand's queued handler).
class AwaitableOperators : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(Executors, AwaitableOperators, ::testing::Values(false, true),
                         [](const auto& info) {
                           return info.param ? "OnAStrand" : "OnTheIoContext";
                         });

TEST_P(AwaitableOperators, ARaceIsAPollOfTheRacerAndTwoTasksItSpawned) {
  asio::io_context io;
  coroscope::probe probe{io};
  int resumptions = 0;
  if (GetParam())
    asio::co_spawn(asio::make_strand(io), racer(resumptions), asio::detached);
  else
    asio::co_spawn(io, racer(resumptions), asio::detached);
  io.run();
  const auto s = probe.snapshot();

  const auto* r = named(s, "racer");  // named though Asio's hooks never see it suspend
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->polls, static_cast<std::uint64_t>(resumptions));
  ASSERT_EQ(resumptions, kRounds + 1);
  // Each side was a task, and is the racer's operation once ended (the racer's children:
  // not the side that ended before), no longer listed on its own.
  EXPECT_EQ(s.tasks.size(), 1u);
  EXPECT_EQ(s.tasks_spawned, 1u + 2u * kRounds);
  EXPECT_EQ(s.tasks_completed, 1u + 2u * kRounds);
  EXPECT_EQ(operations(*r, "timer_wait"), 2u * kRounds);
}

asio::awaitable<void> returns_at_once() { co_return; }

// co_spawn's entry point posts once more after a coroutine that never suspended: Asio's
// coroutine of that post is no operation side of the task's (it was folded away, unlisted).
TEST(AwaitableOperatorSides, ACoroutineThatNeverSuspendsIsNoSide) {
  asio::io_context io;
  coroscope::probe probe{io};
  asio::co_spawn(io, returns_at_once(), asio::detached);
  io.run();
  const auto s = probe.snapshot();
  ASSERT_EQ(s.tasks.size(), 1u);
  EXPECT_EQ(s.tasks[0].state, coroscope::task_state::completed);
  EXPECT_NE(s.tasks[0].spawn_location.file.find("awaitable_operators_test.cpp"), std::string::npos);
}

asio::awaitable<void> blocked_racer(asio::steady_timer& a, asio::steady_timer& b) {
  co_await (a.async_wait(asio::as_tuple(asio::use_awaitable)) ||
            b.async_wait(asio::as_tuple(asio::use_awaitable)));
}

TEST(AwaitableOperatorSides, AreTasksWhileTheyWait) {
  asio::io_context io;
  coroscope::probe probe{io};
  asio::steady_timer a(io, std::chrono::steady_clock::time_point::max());
  asio::steady_timer b(io, std::chrono::steady_clock::time_point::max());
  asio::co_spawn(io, blocked_racer(a, b), asio::detached);
  std::thread worker([&] { io.run(); });
  std::uint64_t racer_id = 0;
  const bool seen = coroscope::test::eventually([&] {
    const auto s = probe.snapshot();
    const auto* r = named(s, "blocked_racer");
    std::size_t sides = 0;
    for (const auto& t : s.tasks)
      if (r && t.parent_id == r->id && t.name == "(timer_wait)" &&
          t.state != coroscope::task_state::completed)
        ++sides;
    if (r) racer_id = r->id;
    return sides == 2 && s.tasks.size() == 3;
  });
  asio::post(io, [&] { a.cancel(); });  // one side ends, the operator cancels the other
  worker.join();
  EXPECT_TRUE(seen);
  const auto s = probe.snapshot();
  ASSERT_EQ(s.tasks.size(), 1u);
  EXPECT_EQ(s.tasks[0].id, racer_id);
  EXPECT_EQ(operations(s.tasks[0], "timer_wait"), 2u);
}

TEST(AwaitableOperatorsCompletion, ACoroutineResumedByItsChildsEndCountsItsPolls) {
  asio::io_context io;
  coroscope::probe probe{io};
  int resumptions = 0;
  asio::co_spawn(io, awaiter(resumptions), asio::detached);
  io.run();
  const auto s = probe.snapshot();

  const auto* a = named(s, "awaiter");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->polls, static_cast<std::uint64_t>(resumptions));
  std::size_t children = 0;
  for (const auto& t : s.tasks) {
    if (&t == a) continue;
    ++children;
    EXPECT_EQ(t.name, "child");
    EXPECT_EQ(t.parent_id, a->id);
    EXPECT_EQ(t.polls, 2u);  // its first run and the one after its post
  }
  EXPECT_EQ(children, static_cast<std::size_t>(kRounds));
}

asio::awaitable<void> deferred_waiter(asio::steady_timer& gate, std::atomic<bool>& at_gate,
                                      int& resumptions) {
  ++resumptions;
  const auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < kRounds; ++i) {
    asio::steady_timer due(ex, 0ms);
    co_await due.async_wait(asio::deferred);
    ++resumptions;
  }
  at_gate = true;  // a cancel posted from now on runs after this poll, so finds it waiting
  co_await gate.async_wait(asio::as_tuple(asio::deferred));
  ++resumptions;
}

TEST(DeferredAwaits, ACoroutineThatAwaitsOnlyDeferredOperationsIsNamed) {
  asio::io_context io;
  coroscope::probe probe{io};
  asio::steady_timer gate(io, std::chrono::steady_clock::time_point::max());
  int resumptions = 0;
  std::atomic<bool> at_gate{false};
  asio::co_spawn(io, deferred_waiter(gate, at_gate, resumptions), asio::detached);
  std::thread worker([&] { io.run(); });
  // Named off the hot path, from a walk of its frames while it waits.
  const bool named = coroscope::test::eventually([&] {
    const auto s = probe.snapshot();
    return at_gate && s.tasks.size() == 1 && s.tasks[0].name == "deferred_waiter";
  });
  if (at_gate)
    asio::post(io, [&] { gate.cancel(); });
  else
    io.stop();  // never reached the gate: end the test rather than hang
  worker.join();
  EXPECT_TRUE(named);
  const auto s = probe.snapshot();
  ASSERT_EQ(s.tasks.size(), 1u);
  EXPECT_EQ(s.tasks[0].polls, static_cast<std::uint64_t>(resumptions));
}

}  // namespace awaitable_operators_test
