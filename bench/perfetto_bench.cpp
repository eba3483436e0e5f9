// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// What writing a Perfetto trace of a full recorder window costs its caller (it runs on
// the thread that asks for the trace, never a worker): 1M recorded events -> bytes.
//
// BM_EncodeWindow: 4 workers, 10k tasks; 700k polls, 200k wakes (half task-to-task),
// 50k parks, 30k counter points, 20k CPU samples of 24 frames (from 400 functions).
// Reports the trace's size as `bytes` and bytes per event.
// Run: build/release/bench/perfetto_bench
#include <benchmark/benchmark.h>

#include <coroscope/perfetto.hpp>

#include <random>
#include <string>

namespace {

coroscope::timeline million_events() {
  using coroscope::timeline;
  constexpr unsigned kWorkers = 4;
  constexpr std::uint64_t kTasks = 10'000;
  std::mt19937 random(42);
  std::uniform_int_distribution<std::uint64_t> task_of(1, kTasks);
  std::uniform_int_distribution<int> function_of(0, 399);

  timeline t;
  t.process_name = "bench";
  t.pid = 1;
  for (unsigned w = 0; w < kWorkers; ++w) t.workers.push_back({w, "coroscope-w" + std::to_string(w), 100 + w});
  for (std::uint64_t id = 1; id <= kTasks; ++id)
    t.tasks.push_back({id, id > 1 ? std::uint64_t{1} : 0, "handler_" + std::to_string(id % 50)});
  std::uint64_t now = 1'000'000;
  for (std::size_t i = 0; i < 700'000; ++i) {
    const unsigned w = static_cast<unsigned>(i % kWorkers);
    const std::uint64_t task = task_of(random);
    t.polls.push_back({w, task, now, now + 2'000});
    if (i % 7 < 2) {
      const bool by_task = i % 2 == 0;
      t.wakes.push_back({task_of(random), now + 1'000,
                         by_task ? timeline::waker_kind::task : timeline::waker_kind::io,
                         by_task ? task : 0});
    }
    if (i % 14 == 0) t.parks.push_back({w, now + 2'000, now + 2'400});
    if (i % 23 == 0) {
      t.counters.push_back({i % 2 ? timeline::counter_kind::queue_depth : timeline::counter_kind::busy_ratio,
                            w, now, double(i % 17)});
    }
    if (i % 35 == 0) {
      timeline::cpu_sample s{now + 500, w, task, {}};
      for (int d = 0; d < 24; ++d) {
        coroscope::frame f;
        f.function = "ns::function_" + std::to_string(function_of(random)) + "(int)";
        s.stack.push_back(std::move(f));
      }
      t.samples.push_back(std::move(s));
    }
    if (w == kWorkers - 1) now += 2'500;
  }
  t.begin_ns = 1'000'000;
  t.end_ns = now + 10'000;
  return t;
}

std::size_t events(const coroscope::timeline& t) {
  return t.polls.size() + t.wakes.size() + t.parks.size() + t.counters.size() + t.samples.size();
}

void BM_EncodeWindow(benchmark::State& state) {
  const coroscope::timeline window = million_events();
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string trace = coroscope::encode_perfetto(window);
    bytes = trace.size();
    benchmark::DoNotOptimize(trace.data());
  }
  state.counters["events"] = static_cast<double>(events(window));
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["bytes_per_event"] = static_cast<double>(bytes) / static_cast<double>(events(window));
}
BENCHMARK(BM_EncodeWindow)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
