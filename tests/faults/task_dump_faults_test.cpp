// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Task dumps while the workers run: tasks resume, migrate between workers and end under
// the walk. Every stack a dump keeps must be one the program can have been in (the walk's
// check throws away what changed under it), and nothing may crash or race (ASan, TSan).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "fault_support.hpp"

namespace {

namespace asio = boost::asio;

asio::awaitable<void> churn_wait() {
  auto ex = co_await asio::this_coro::executor;
  // A plain handler of the task's (off a strand, its poll may overlap the next on another worker).
  asio::post(ex, [] {});
  asio::steady_timer timer(ex, std::chrono::microseconds(200));
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_await asio::post(ex, asio::use_awaitable);
}

asio::awaitable<void> churn_task(std::atomic<int>& done) {
  for (int i = 0; i < 5; ++i) co_await churn_wait();
  done.fetch_add(1, std::memory_order_relaxed);
}

// Five tasks a millisecond, at most 40 at a time: enough churn to race every dump, not so
// much that a sanitized build's collector falls behind (each dump drains what it left).
asio::awaitable<void> spawner(coroscope::probe& p, std::atomic<bool>& stop,
                              std::atomic<int>& spawned, std::atomic<int>& done) {
  auto ex = co_await asio::this_coro::executor;
  while (!stop.load()) {
    for (int i = 0; i < 5 && spawned.load() - done.load() < 40; ++i) {
      if (i % 2)  // on a strand: each wake hands the continuation on to the strand's poll
        asio::co_spawn(asio::make_strand(p.executor("churn")), churn_task(done), asio::detached);
      else
        asio::co_spawn(p.executor("churn"), churn_task(done), asio::detached);
      spawned.fetch_add(1, std::memory_order_relaxed);
    }
    asio::steady_timer pause(ex, std::chrono::milliseconds(1));
    co_await pause.async_wait(asio::use_awaitable);
  }
}

TEST(TaskDumpFault, DumpsWhileTasksRunMigrateAndEnd) {
  asio::io_context io;
  coroscope::probe probe{io, {.service_name = "fault-dumps"}};
  std::atomic<bool> stop{false};
  std::atomic<int> spawned{0}, done{0};
  asio::co_spawn(probe.executor("spawner"), spawner(probe, stop, spawned, done), asio::detached);
  std::thread workers([&] { probe.run(3); });
  EXPECT_TRUE(coroscope::fault_test::eventually([&] { return spawned.load() > 0; }));  // dumps under churn

  const std::set<std::string> known{"churn_wait", "churn_task", "spawner"};
  int dumps = 0, stacks = 0, spawner_waits = 0;
  // Until enough stacks were seen under churn (bounded in time, not a speed target).
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((dumps < 200 || stacks < 50) && std::chrono::steady_clock::now() < end) {
    const coroscope::task_dump dump = probe.dump_tasks();
    ++dumps;
    for (const auto& t : dump.tasks) {
      if (t.async_stack.empty()) continue;
      ++stacks;
      if (t.name == "spawner") ++spawner_waits;
      for (const auto& f : t.async_stack) EXPECT_TRUE(known.contains(f.function)) << f.function;
      if (t.name == "churn") {
        EXPECT_EQ(t.async_stack.front().function, "churn_wait");
        EXPECT_EQ(t.async_stack.back().function, "churn_task");
      }
    }
    (void)coroscope::to_string(dump);
  }
  stop = true;
  workers.join();
  EXPECT_GE(dumps, 20);  // the loop aims at 200; a slow (sanitized, loaded) build gets fewer
  EXPECT_GE(stacks, 1);
  // Mostly on its 1 ms timer: a task whose polls left it marked as under way never shows.
  EXPECT_GE(spawner_waits, 1);
  EXPECT_EQ(done.load(), spawned.load());  // every task ended, none lost to the dumps
  EXPECT_TRUE(probe.dump_tasks().tasks.empty());
}

}  // namespace
