// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// CPU samples in the flight recorder's window: a task that burns CPU while sampling runs
// shows up as samples with its id, on the worker that ran it, with the burning function
// in their stacks, in the window and on the worker's samples track of the Perfetto trace.
#include <gtest/gtest.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "co_test.hpp"
#include "coroscope/coroscope.hpp"
#include "coroscope/perfetto.hpp"
#include "coroscope/sampler.hpp"
#include "snapshot_lookup.hpp"
#include "temp_dir.hpp"
#include "trace_view.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

/// Pure CPU work, kept out of line so that samples land in a frame of this name.
[[gnu::noinline]] std::uint64_t recorder_burn_cpu(std::uint64_t x) {
  for (int i = 0; i < 200'000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    asm volatile("" : "+r"(x));
  }
  return x;
}

/// One poll that burns CPU until `stop`.
asio::awaitable<void> burner(const std::atomic<bool>& stop) {
  std::uint64_t x = 1;
  while (!stop.load(std::memory_order_relaxed)) x = recorder_burn_cpu(x);
  asm volatile("" : : "r"(x));
  co_return;
}

std::size_t samples_of_task(const coroscope::timeline& t, std::uint64_t task) {
  return static_cast<std::size_t>(std::count_if(
      t.samples.begin(), t.samples.end(), [&](const auto& s) { return s.task_id == task; }));
}

bool has_burn_frame(const coroscope::timeline::cpu_sample& s) {
  return std::any_of(s.stack.begin(), s.stack.end(), [](const coroscope::frame& f) {
    return f.function.find("recorder_burn_cpu") != std::string::npos;
  });
}

std::string read_trace_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST(FlightRecorderSamples, ABurningTaskHasItsSamplesOnItsWorker) {
  constexpr std::size_t kWanted = 5;
  asio::io_context io;
  // No CPU profile: the recorder keeps the sampler running.
  coroscope::probe probe{io, {.flight_recorder = "30s", .read_environment = false}};
  std::atomic<bool> stop{false};
  std::atomic<pid_t> runner_tid{0};
  asio::co_spawn(probe.executor("burner"), burner(stop), asio::detached);
  std::thread runner([&] {
    pthread_setname_np(pthread_self(), "burner-w0");
    runner_tid = ::gettid();
    probe.run(1);
  });

  // Burn until the window holds samples of the task (the drain adds them every 50 ms); the
  // sleep only paces the checks.
  std::uint64_t id = 0;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (id == 0) {
      const coroscope::snapshot s = probe.snapshot();
      if (const auto* t = coroscope::test::find_task(s, "burner")) id = t->id;
    }
    const auto window = probe.trace_window();
    if (id != 0 && window && samples_of_task(*window, id) >= kWanted) break;
    std::this_thread::sleep_for(20ms);
  }
  stop = true;
  runner.join();
  ASSERT_NE(id, 0u);

  const std::optional<coroscope::timeline> window = probe.trace_window();
  ASSERT_TRUE(window);
  ASSERT_EQ(window->workers.size(), 1u);
  EXPECT_EQ(window->workers[0].tid, runner_tid.load());
  const unsigned worker = window->workers[0].index;
  ASSERT_GE(samples_of_task(*window, id), kWanted);
  std::size_t burning = 0;
  for (const auto& s : window->samples) {
    EXPECT_EQ(s.worker, worker);
    EXPECT_GE(s.time_ns, window->begin_ns);
    EXPECT_LE(s.time_ns, window->end_ns);
    if (s.task_id != id) continue;
    EXPECT_FALSE(s.stack.empty());
    burning += has_burn_frame(s);
  }
  // A sample may land in the coroutine's own loop rather than in the burning function.
  EXPECT_GE(burning, 1u);
  EXPECT_GE(burning * 2, samples_of_task(*window, id)) << "most samples are in the burner";
  EXPECT_EQ(window->dropped_events, 0u);

  // The trace of this window: the same samples, as instants on the worker's samples track.
  coroscope::test::trace_view view(coroscope::encode_perfetto(*window));
  const auto instants = view.instants_of("burner-w0 samples");
  EXPECT_EQ(instants.size(), window->samples.size());
  std::size_t of_task = 0, with_burn = 0;
  for (const auto& instant : instants) {
    if (coroscope::test::annotation(instant, "task_id") != std::to_string(id)) continue;
    ++of_task;
    for (const auto& f : instant.event->callstack().frames())
      if (f.function_name().find("recorder_burn_cpu") != std::string::npos) {
        ++with_burn;
        break;
      }
  }
  EXPECT_EQ(of_task, samples_of_task(*window, id));
  EXPECT_EQ(with_burn, burning);

  // A file written now holds them too, and maybe a few more: the sampler keeps running
  // while the recorder is on, and samples taken before the runner stopped may reach the
  // store after the window above was taken (the drain comes every 50 ms).
  coroscope::test::temp_dir dir;
  const auto path = dir.path() / "burner.perfetto-trace";
  ASSERT_TRUE(probe.write_trace(path.string()));
  coroscope::test::trace_view written(read_trace_file(path));
  EXPECT_GE(written.instants_of("burner-w0 samples").size(), window->samples.size());
}

TEST(FlightRecorderSamples, TheSamplerRunsWhileARecorderIsOn) {
  ASSERT_FALSE(coroscope::sampling::running());
  {
    asio::io_context io;
    coroscope::probe probe{io, {.flight_recorder = "30s", .read_environment = false}};
    EXPECT_TRUE(coroscope::sampling::running());
    // A CPU profile taken meanwhile shares the sampler and leaves it running.
    probe.start_cpu_profile();
    (void)probe.stop_cpu_profile();
    EXPECT_TRUE(coroscope::sampling::running());
  }
  EXPECT_FALSE(coroscope::sampling::running());
  asio::io_context io;
  coroscope::probe without{io, {.read_environment = false}};
  EXPECT_FALSE(coroscope::sampling::running());
}
