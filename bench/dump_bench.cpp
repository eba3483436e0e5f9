// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// What a task dump costs the caller: N tasks suspended three coroutines deep on timers, a
// worker running, `probe.dump_tasks()` in a loop (walks under the collector's lock, then
// symbolizes; the symbolizer's cache is warm after the first). The workers pay nothing.
#include <chrono>
#include <memory>
#include <thread>

#include <benchmark/benchmark.h>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "coroscope/coroscope.hpp"

namespace {

namespace asio = boost::asio;

asio::awaitable<void> leaf(asio::steady_timer& gate) {
  boost::system::error_code ec;
  co_await gate.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}
asio::awaitable<void> middle(asio::steady_timer& gate) { co_await leaf(gate); }
asio::awaitable<void> session(asio::steady_timer& gate) { co_await middle(gate); }

void BM_DumpTasks(benchmark::State& state) {
  const auto tasks = static_cast<int>(state.range(0));
  asio::io_context io;
  coroscope::probe probe{io, {.service_name = "dump-bench"}};
  asio::steady_timer gate{io, std::chrono::hours(1)};
  for (int i = 0; i < tasks; ++i)
    asio::co_spawn(probe.executor("session"), session(gate), asio::detached);
  std::thread worker([&] { probe.run(1); });
  // Until every task has suspended (a setup condition, not a timing).
  while (true) {
    const coroscope::task_dump d = probe.dump_tasks();
    int waiting = 0;
    for (const auto& t : d.tasks) waiting += t.state == coroscope::dump_state::waiting;
    if (waiting == tasks) break;
  }
  std::size_t frames = 0;
  for (auto _ : state) {
    const coroscope::task_dump d = probe.dump_tasks();
    for (const auto& t : d.tasks) frames += t.async_stack.size();
    benchmark::DoNotOptimize(frames);
  }
  state.counters["tasks"] = tasks;
  state.counters["per_task"] = benchmark::Counter(
      static_cast<double>(tasks) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  asio::post(io, [&] { gate.cancel(); });
  worker.join();
}
BENCHMARK(BM_DumpTasks)->Arg(100)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
