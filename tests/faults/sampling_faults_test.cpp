// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The sampler against the process around it: SIGPROF sent to a thread it never
// registered, workers that exit while sampled, and fork() while sampling is on.
#include <gtest/gtest.h>

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "fault_support.hpp"

namespace {

using coroscope::fault_test::eventually;
using coroscope::fault_test::short_task;
using coroscope::fault_test::spin;

TEST(SamplingFault, SigprofToAnUnregisteredThreadIsDroppedAndCounted) {
  boost::asio::io_context io;
  coroscope::probe probe{io, {.service_name = "fault-stranger"}};
  probe.start_cpu_profile();
  ASSERT_TRUE(coroscope::sampling::running());
  const auto before = probe.sampler_stats().dropped_other;

  std::mutex m;
  std::condition_variable cv;
  bool stop = false;
  std::thread stranger([&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return stop; });
  });
  // One signal per check until one is handled and counted: pending signals of one kind
  // coalesce, and one sent while the thread is still starting may be lost (under TSan,
  // which defers signals, that happens).
  EXPECT_TRUE(eventually([&] {
    EXPECT_EQ(::pthread_kill(stranger.native_handle(), SIGPROF), 0);
    return probe.sampler_stats().dropped_other > before;
  }));
  {
    std::lock_guard lock(m);
    stop = true;
  }
  cv.notify_one();
  stranger.join();
  (void)probe.stop_cpu_profile();
}

TEST(SamplingFault, WorkersExitWhileSampled) {
  std::atomic<int> done{0};
  boost::asio::io_context io;
  coroscope::probe probe{io, {.service_name = "fault-exit", .sample_hz = 997}};
  probe.start_cpu_profile();
  // At least 15 rounds, and more until a sample has come: CPU-time timers are checked on
  // the scheduler tick, so on a loaded machine a worker this short-lived may see none.
  constexpr int kMinRounds = 15;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int rounds = 0;
  while (rounds < kMinRounds ||
         (probe.sampler_stats().samples == 0 && std::chrono::steady_clock::now() < deadline)) {
    for (int i = 0; i < 20; ++i)
      boost::asio::co_spawn(probe.executor("busy"), short_task(done, 3, 200'000),
                            boost::asio::detached);
    probe.run(3);  // starts and joins two worker threads each time
    io.restart();
    ++rounds;
  }
  const auto profile = probe.stop_cpu_profile();
  EXPECT_EQ(done.load(), rounds * 20);
  const auto stats = probe.sampler_stats();
  EXPECT_GT(stats.samples, 0u);
  std::int64_t counted = 0;
  for (const auto& s : profile.samples) counted += s.count;
  EXPECT_GT(counted, 0);
}

TEST(SamplingFault, ForkWhileSamplingChildRunsAndExitsCleanly) {
  std::atomic<int> done{0};
  std::atomic<int> child_status{-1};
  boost::asio::io_context io;
  coroscope::probe probe{io, {.service_name = "fault-fork", .sample_hz = 997}};
  probe.start_cpu_profile();
  // Other workers keep running (and being sampled) while one task forks.
  for (int i = 0; i < 20; ++i)
    boost::asio::co_spawn(probe.executor("busy"), short_task(done, 10, 100'000),
                          boost::asio::detached);
  boost::asio::co_spawn(
      probe.executor("forker"),
      [&]() -> boost::asio::awaitable<void> {
        const pid_t pid = ::fork();
        if (pid == 0) {
          // The child: CPU work long enough for any inherited timer to fire, some
          // allocation, then a normal exit.
          std::vector<std::vector<int>> blocks;
          for (int i = 0; i < 200; ++i) {
            blocks.emplace_back(1000, i);
            spin(200'000);
          }
          std::_Exit(blocks.size() == 200 ? 0 : 3);
        }
        int status = 0;
        if (pid > 0 && ::waitpid(pid, &status, 0) == pid)
          child_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        co_return;
      },
      boost::asio::detached);
  probe.run(2);
  (void)probe.stop_cpu_profile();
  EXPECT_EQ(child_status.load(), 0);
  EXPECT_EQ(done.load(), 20);
}

}  // namespace
