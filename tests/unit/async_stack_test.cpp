// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Async (logical) stacks: the chain of awaiting coroutine frames of the running task.
#include <cstdint>
#include <vector>

#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "co_test.hpp"
#include "coroscope/coroscope.hpp"
#include "coroscope/detail/asio_layout.hpp"

namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
using stack = std::vector<std::uintptr_t>;

// What the sampler's signal handler would read right now on this thread.
stack current_async_stack() {
  const auto* task = coroscope::detail::t_state.ctx.current_task;
  if (!task) return {};
  const void* root = task->root.load();
  if (!root) return {};
  std::uintptr_t pcs[32];
  const unsigned n = coroscope::detail::walk_async_stack(root, pcs, 32);
  return stack(pcs, pcs + n);
}

awaitable<void> yield() {
  co_await boost::asio::post(co_await boost::asio::this_coro::executor, use_awaitable);
}

awaitable<stack> parse_body() {
  TIMED_AWAIT(yield());
  co_return current_async_stack();
}

awaitable<void> handle_request(stack& in_handler, stack& in_parse) {
  TIMED_AWAIT(yield());
  in_handler = current_async_stack();
  in_parse = co_await parse_body();
}

awaitable<void> accept_loop(stack& in_handler, stack& in_parse, stack& in_loop) {
  in_loop = current_async_stack();  // known from the start: every coroutine is a task
  co_await handle_request(in_handler, in_parse);
}

}  // namespace

TEST(AsyncStack, ShowsTheChainOfAwaitingCoroutinesLeafFirst) {
  boost::asio::io_context io;
  coroscope::probe p{io};
  stack in_handler, in_parse, in_loop;
  coroscope::test::run_task(p, "accept-loop", accept_loop(in_handler, in_parse, in_loop));

  ASSERT_EQ(in_loop.size(), 1u);     // accept_loop
  ASSERT_EQ(in_handler.size(), 2u);  // handle_request <- accept_loop
  ASSERT_EQ(in_parse.size(), 3u);    // parse_body <- handle_request <- accept_loop
  EXPECT_EQ(in_parse[1], in_handler[0]);
  EXPECT_EQ(in_parse[2], in_handler[1]);
  EXPECT_NE(in_parse[0], in_parse[1]);
  EXPECT_NE(in_parse[1], in_parse[2]);
  EXPECT_EQ(in_loop[0], in_handler[1]);
}

TEST(AsyncStack, PlainCoSpawnOnTheIoContextHasOneToo) {
  boost::asio::io_context io;
  coroscope::probe p{io};
  stack in_handler, in_parse, in_loop;
  boost::asio::co_spawn(io, accept_loop(in_handler, in_parse, in_loop), boost::asio::detached);
  io.run();
  EXPECT_EQ(in_loop.size(), 1u);
  EXPECT_EQ(in_handler.size(), 2u);
  EXPECT_EQ(in_parse.size(), 3u);
}

TEST(AsyncStack, CoroscopeCoSpawnKnowsTheStackFromTheStart) {
  boost::asio::io_context io;
  coroscope::probe p{io};
  stack seen;
  coroscope::co_spawn(
      p, "worker",
      [](stack& out) -> awaitable<void> {
        out = current_async_stack();
        co_return;
      }(seen),
      boost::asio::detached);
  p.run(1);
  // The lambda's frame and coroscope's failure-recording wrapper under it.
  EXPECT_EQ(seen.size(), 2u);
}

TEST(AsyncStack, RootIsClearedWhenTheTaskEnds) {
  boost::asio::io_context io;
  coroscope::probe p{io};
  const coroscope::detail::task_record* record = nullptr;
  boost::asio::co_spawn(
      p.executor("short"),
      [](const coroscope::detail::task_record*& out) -> awaitable<void> {
        TIMED_AWAIT(yield());
        out = coroscope::detail::t_state.ctx.current_task;
        EXPECT_NE(out->root.load(), nullptr);
      }(record),
      boost::asio::detached);
  p.run(1);
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->root.load(), nullptr);
}

TEST(AsyncStack, OutsideTasksThereIsNone) {
  EXPECT_TRUE(current_async_stack().empty());
}
