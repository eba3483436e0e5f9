// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::runtime_probe alone (the recording core, no services): a recording runs a task
// that burns CPU while it takes a CPU profile; the profile must name the hot function,
// symbolized, under the task.
#include <time.h>

#include <chrono>
#include <cstdint>
#include <source_location>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <coroscope/core/recording.hpp>

#include "check.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using install_test::check;

namespace {

std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

/// 100 ms of this thread's CPU in plain arithmetic, so samples land here.
[[gnu::noinline]] void install_hot_function() {
  const auto end = thread_cpu_time() + 100ms;
  volatile std::uint64_t x = 1;
  while (thread_cpu_time() < end)
    for (int i = 0; i < 100000; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
}

asio::awaitable<void> burner() {
  install_hot_function();
  co_return;
}

}  // namespace

int main() {
  asio::io_context io;
  const auto recording =
      coroscope::core::start_recording(io, {.service_name = "install-runtime-probe", .sample_hz = 500});
  recording->start_cpu_profile();
  // Rounds of 100 ms until enough samples came (a loaded machine, or the overhead governor
  // lowering the rate, gives fewer per round); bounded, so a sampler that never samples
  // fails the check below instead of hanging.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  do {
    asio::co_spawn(recording->executor("burner", std::source_location::current()), burner(),
                   asio::detached);
    recording->run(1);
    io.restart();
  } while (coroscope::sampling::stats().samples < 20 && std::chrono::steady_clock::now() < deadline);
  const coroscope::cpu_profile profile = recording->stop_cpu_profile();

  std::int64_t total = 0, hot = 0, hot_in_task = 0;
  for (const auto& s : profile.samples) {
    total += s.count;
    bool in_hot_function = false;
    for (const std::uint32_t i : s.stack)
      in_hot_function |= profile.frames[i].function.find("install_hot_function") != std::string::npos;
    if (!in_hot_function) continue;
    hot += s.count;
    const auto task = s.labels.find("task");
    if (task != s.labels.end() && task->second == "burner") hot_in_task += s.count;
  }
  check(total > 0, "the CPU profile has samples (" + std::to_string(total) + ")");
  check(hot > 0, "samples name install_hot_function, symbolized (" + std::to_string(hot) + ")");
  check(hot_in_task == hot, "each of them is labelled task=burner");

  const coroscope::snapshot s = recording->take_snapshot();
  std::size_t burners = 0;
  for (const auto& t : s.tasks) burners += t.name == "burner" && t.state == coroscope::task_state::completed;
  check(burners > 0, "the snapshot holds completed 'burner' tasks (" + std::to_string(burners) + ")");
  return install_test::finish("runtime_probe_program");
}
