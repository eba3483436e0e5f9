// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Sampler budgets (PRODUCT.md): one sample (signal delivery, a 64-frame unwind, the
// record) <= 5 µs; sampling at 99 Hz costs <= 1% of a CPU-bound loop.
// Run: build/<dir>/bench/sampler_bench
//
// BM_Sample* raise SIGPROF on the benchmark thread from the bottom of a 70-deep chain of
// frames, so each iteration is exactly one delivery + handler + sigreturn with a full
// 64-pc walk. BM_SignalOnly is the same signal in an unregistered thread (the handler
// counts and returns): delivery cost alone. BM_BurnLoopOverhead runs a fixed amount of
// work alternately sampled and not, and reports the median CPU-time ratio.
#include <benchmark/benchmark.h>

#include <signal.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "coroscope/sampler.hpp"

namespace sampling = coroscope::sampling;

namespace {

constexpr int kStackDepth = 70;  // deeper than kMaxFrames: the walk runs its full length

// Mean handler time (as the sampler measures it) of the samples taken since `before`.
double mean_cost_since(const sampling::sampler_stats& before) {
  const auto after = sampling::stats();
  const double total = static_cast<double>(after.mean_sample_cost_ns) * static_cast<double>(after.samples) -
                       static_cast<double>(before.mean_sample_cost_ns) * static_cast<double>(before.samples);
  const auto n = after.samples - before.samples;
  return n == 0 ? 0.0 : total / static_cast<double>(n);
}

__attribute__((noinline)) void raise_loop(benchmark::State& state, std::vector<sampling::raw_sample>& sink) {
  std::uint64_t since_drain = 0;
  for (auto _ : state) {
    raise(SIGPROF);
    if (++since_drain == 8192) {  // the ring holds 16384: never full, drained off the clock
      state.PauseTiming();
      sink.clear();
      sampling::drain(sink);
      since_drain = 0;
      state.ResumeTiming();
    }
  }
}

__attribute__((noinline)) void descend(int depth, benchmark::State& state,
                                       std::vector<sampling::raw_sample>& sink) {
  if (depth > 0) {
    descend(depth - 1, state, sink);
  } else {
    raise_loop(state, sink);
  }
  benchmark::DoNotOptimize(depth);  // not a tail call: every level keeps its frame
}

void run_sample_bench(benchmark::State& state, sampling::unwinder unwind, bool registered) {
  // 1 Hz of thread CPU: the timer itself adds almost nothing; SIGPROF comes from raise().
  sampling::configure({.frequency_hz = 1, .unwind = unwind, .ring_samples = 16384});
  if (registered) sampling::register_current_thread();
  const auto before = sampling::stats();
  sampling::start();
  std::vector<sampling::raw_sample> sink;
  sink.reserve(16384);
  descend(kStackDepth, state, sink);
  sampling::stop();
  sink.clear();
  sampling::drain(sink);
  if (registered) {
    std::size_t depth = 0;
    for (const auto& s : sink) depth = std::max<std::size_t>(depth, s.depth);
    state.counters["depth"] = static_cast<double>(depth);
    sampling::unregister_current_thread();
    state.counters["handler_ns"] = mean_cost_since(before);
  }
}

void BM_SampleFramePointer(benchmark::State& state) {
  run_sample_bench(state, sampling::unwinder::frame_pointer, true);
}
void BM_SampleLibunwind(benchmark::State& state) {
  run_sample_bench(state, sampling::unwinder::libunwind, true);
}
void BM_SignalOnly(benchmark::State& state) {
  run_sample_bench(state, sampling::unwinder::frame_pointer, false);
}
BENCHMARK(BM_SampleFramePointer)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_SampleLibunwind)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_SignalOnly)->Unit(benchmark::kNanosecond);

std::uint64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

__attribute__((noinline)) std::uint64_t burn(std::uint64_t iterations) {
  volatile std::uint64_t x = 1;
  for (std::uint64_t i = 0; i < iterations; ++i) x = x * 2862933555777941757ull + i;
  return x;
}

// CPU time of the same work, sampled at the given rate and not, in alternating rounds so drift
// and other load on the machine hit both alike; the median of the paired ratios.
void BM_BurnLoopOverhead(benchmark::State& state) {
  constexpr int kRounds = 21;
  constexpr std::uint64_t kWork = 100'000'000;  // about 100 ms of CPU per round
  sampling::configure({.frequency_hz = static_cast<unsigned>(state.range(0))});
  sampling::register_current_thread();
  std::vector<double> ratios;
  std::vector<sampling::raw_sample> sink;
  const auto before = sampling::stats();
  for (auto _ : state) {
    for (int round = 0; round < kRounds; ++round) {
      std::uint64_t plain = 0, sampled = 0;
      for (int half = 0; half < 2; ++half) {
        const bool sample_now = (half == 0) == (round % 2 == 0);  // alternate the order too
        if (sample_now) sampling::start();
        const std::uint64_t t0 = thread_cpu_ns();
        burn(kWork);
        (sample_now ? sampled : plain) = thread_cpu_ns() - t0;
        if (sample_now) sampling::stop();
      }
      sink.clear();
      sampling::drain(sink);
      ratios.push_back(static_cast<double>(sampled) / static_cast<double>(plain));
    }
  }
  std::sort(ratios.begin(), ratios.end());
  const auto st = sampling::stats();
  state.counters["sampled_over_plain"] = ratios[ratios.size() / 2];
  state.counters["samples"] = static_cast<double>(st.samples - before.samples);
  state.counters["handler_ns"] = mean_cost_since(before);
  state.counters["effective_hz"] = st.effective_hz;
  state.counters["measured_overhead"] = st.measured_overhead;
  sampling::unregister_current_thread();
}
// 99 Hz is the budget; 999 Hz shows how the cost scales with the rate.
BENCHMARK(BM_BurnLoopOverhead)->Arg(99)->Arg(999)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
