// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// What the flight recorder's CPU samples cost (docs/TIMELINE.md, "CPU samples"):
// BM_KeepDrainBatch: the drain thread keeping one 50 ms batch (20 samples of 30 native
// and 5 async frames, 99 Hz on two busy workers) in a full store, per sample;
// BM_WindowOfFullStore: taking the samples of a window from a full store (8192 samples):
// copying them out, building their stacks and symbolizing them (symbols cached after the
// first round), on the thread that asks. Memory per kept sample is reported as a counter.
// Run: build/release/bench/recent_samples_bench
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "recent_samples.hpp"
#include "trace_samples.hpp"

namespace detail = coroscope::detail;
using coroscope::sampling::raw_sample;

namespace {

constexpr int kNative = 30;
constexpr int kAsync = 5;
constexpr std::int32_t kTid = 4242;

/// Code addresses of this program for the stacks, so that symbolizing them finds names.
[[gnu::noinline]] void bench_leaf() { benchmark::ClobberMemory(); }
[[gnu::noinline]] void bench_caller() {
  bench_leaf();
  benchmark::ClobberMemory();
}

raw_sample bench_sample(std::uint64_t time_ns) {
  raw_sample s{};
  s.timestamp_ns = time_ns;
  s.tid = kTid;
  s.depth = kNative;
  for (int i = 0; i < kNative; ++i)
    s.pcs[i] = reinterpret_cast<std::uintptr_t>(i % 2 ? &bench_leaf : &bench_caller) + 4;
  s.context.task_id = 7;
  s.context.worker = 0;
  s.context.async_depth = kAsync;
  for (int i = 0; i < kAsync; ++i) s.context.async_pcs[i] = reinterpret_cast<std::uintptr_t>(&bench_caller);
  return s;
}

std::vector<raw_sample> batch_at(std::uint64_t first_ns, int n) {
  std::vector<raw_sample> batch;
  for (int i = 0; i < n; ++i) batch.push_back(bench_sample(first_ns + static_cast<std::uint64_t>(i) * 1000));
  return batch;
}

void BM_KeepDrainBatch(benchmark::State& state) {
  detail::recent_samples store;
  store.keep(std::chrono::seconds(30));
  constexpr int kBatch = 20;
  std::uint64_t t = 1'000'000'000;
  // Full first: each batch then evicts as many as it adds (counted as lost).
  for (std::size_t i = 0; i < detail::recent_samples::kDefaultMaxSamples; i += kBatch, t += kBatch * 1000)
    store.add(batch_at(t, kBatch), t, 0);
  std::vector<raw_sample> batch = batch_at(t, kBatch);
  for (auto _ : state) {
    for (raw_sample& s : batch) s.timestamp_ns += kBatch * 1000;
    t += kBatch * 1000;
    store.add(batch, t, 0);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["bytes_per_sample"] =
      static_cast<double>(store.bytes()) / static_cast<double>(store.size());
}
BENCHMARK(BM_KeepDrainBatch);

void BM_WindowOfFullStore(benchmark::State& state) {
  detail::recent_samples& store = detail::recent_cpu_samples();
  store.keep(std::chrono::nanoseconds(0));
  std::uint64_t t = 1'000'000'000;
  for (std::size_t i = 0; i < detail::recent_samples::kDefaultMaxSamples; i += 64, t += 64 * 1000)
    store.add(batch_at(t, 64), t, 0);
  std::size_t samples = 0;
  for (auto _ : state) {
    coroscope::timeline window;
    window.workers.push_back({0, "bench", kTid});
    detail::add_recent_samples(window, 0);
    samples = window.samples.size();
    benchmark::DoNotOptimize(window.samples.data());
  }
  store.release(std::chrono::nanoseconds(0));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(samples));
  state.counters["samples"] = static_cast<double>(samples);
}
BENCHMARK(BM_WindowOfFullStore)->Unit(benchmark::kMillisecond);

}  // namespace
