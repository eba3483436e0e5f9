// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Export budget (PRODUCT.md): 100k samples -> pprof in <= 150 ms, gzip included, as
// `/debug/pprof/profile` serves it.
//
// BM_EncodeServiceProfile: the profile the sampler builds for an Asio service
// (service_profile.hpp: 18-47 frames a stack, mean 29; a few thousand distinct frames;
// task, worker and trace labels), its frames carrying the symbol cache's ids.
// BM_EncodeServiceProfileCold: the same, but malloc gives its free memory back to the
// kernel before each encode (malloc_trim, outside the timing), so the encoder's buffers
// are faulted in afresh, as in a service that exports every few seconds.
// BM_BuildServiceProfile: the step before encoding, raw samples -> cpu_profile.
// BM_EncodeRandomStacks: the older synthetic input, 32 frames drawn at random from 400
// functions, so no two stacks are alike and nothing merges.
// Run: build/release/bench/pprof_bench --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <malloc.h>
#include <sys/resource.h>

#include <random>
#include <string>

#include "coroscope/pprof.hpp"
#include "coroscope/profile.hpp"
#include "service_profile.hpp"

namespace {

coroscope::cpu_profile random_stacks(std::size_t samples, std::size_t depth) {
  std::mt19937 random(42);
  std::uniform_int_distribution<int> function_of(0, 399), task_of(0, 7);
  coroscope::cpu_profile profile;
  profile.period_ns = 10101010;  // 99 Hz
  profile.samples.reserve(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    coroscope::sample s;
    s.cpu_ns = profile.period_ns;
    const int task = task_of(random);
    s.labels = {{"task", "task-" + std::to_string(task)}, {"task_id", std::to_string(task + 1)}};
    for (std::size_t d = 0; d < depth; ++d) {
      const int f = function_of(random);
      s.stack.push_back(profile.add_frame({.function = "service::function_" + std::to_string(f),
                         .file = "/src/service/file_" + std::to_string(f % 40) + ".cpp",
                         .line = static_cast<std::uint32_t>(10 + f),
                         .address = 0x1000u + static_cast<std::uint64_t>(f) * 0x40u,
                         .module = "/usr/bin/service",
                         .build_id = "0123456789abcdef"}));
    }
    profile.samples.push_back(std::move(s));
  }
  return profile;
}

void encode(benchmark::State& state, const coroscope::cpu_profile& profile) {
  std::size_t bytes = 0;
  for (auto _ : state) bytes = coroscope::encode_pprof(profile).size();
  state.counters["gzipped_bytes"] = static_cast<double>(bytes);
}

void BM_EncodeServiceProfile(benchmark::State& state) {
  coroscope::bench::service_profile_shape shape;
  const auto profile = coroscope::bench::service_profile(static_cast<std::size_t>(state.range(0)), &shape);
  encode(state, profile);
  state.counters["distinct_frames"] = static_cast<double>(shape.distinct_frames);
  state.counters["mean_depth"] = static_cast<double>(shape.frames) / static_cast<double>(profile.samples.size());
  state.counters["min_depth"] = static_cast<double>(shape.min_depth);
  state.counters["max_depth"] = static_cast<double>(shape.max_depth);
}
BENCHMARK(BM_EncodeServiceProfile)->Arg(100000)->Unit(benchmark::kMillisecond);

rusage usage() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return r;
}

double milliseconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3;
}

void BM_EncodeServiceProfileCold(benchmark::State& state) {
  const auto profile = coroscope::bench::service_profile(static_cast<std::size_t>(state.range(0)));
  std::size_t bytes = 0;
  double faults = 0, system_ms = 0;
  for (auto _ : state) {
    state.PauseTiming();
    malloc_trim(0);
    const rusage before = usage();
    state.ResumeTiming();
    bytes = coroscope::encode_pprof(profile).size();
    state.PauseTiming();
    const rusage after = usage();
    faults += static_cast<double>(after.ru_minflt - before.ru_minflt);
    system_ms += milliseconds(after.ru_stime) - milliseconds(before.ru_stime);
    state.ResumeTiming();
  }
  state.counters["gzipped_bytes"] = static_cast<double>(bytes);
  // Per encode: the page faults of its buffers, and the kernel time they took.
  state.counters["page_faults"] = benchmark::Counter(faults, benchmark::Counter::kAvgIterations);
  state.counters["system_ms"] = benchmark::Counter(system_ms, benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_EncodeServiceProfileCold)->Arg(100000)->Unit(benchmark::kMillisecond);

// The other half of serving /debug/pprof/profile: the service profile's 100k raw samples
// through `build_cpu_profile` (symbolized, async chains spliced in, labels), and the
// profile freed again; encoding it is BM_EncodeServiceProfile.
void BM_BuildServiceProfile(benchmark::State& state) {
  const auto raw = coroscope::bench::service_raw_samples(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    coroscope::cpu_profile profile = coroscope::build_cpu_profile(raw.raws, *raw.symbols, raw.period_ns);
    benchmark::DoNotOptimize(profile.samples.data());
  }
}
BENCHMARK(BM_BuildServiceProfile)->Arg(100000)->Unit(benchmark::kMillisecond);

// The same profile with a frame table that holds each sample's frames apart (2.9M
// entries, not 3.75k), as a hand-made profile may: the encoder keys its tables by each
// entry's strings.
void BM_EncodeServiceProfileUnsharedFrames(benchmark::State& state) {
  const auto shared = coroscope::bench::service_profile(static_cast<std::size_t>(state.range(0)));
  coroscope::cpu_profile profile = shared;
  profile.frames.clear();
  for (std::size_t i = 0; i < profile.samples.size(); ++i)
    profile.samples[i].stack = profile.add_frames(shared.frames_of(shared.samples[i]));
  encode(state, profile);
}
BENCHMARK(BM_EncodeServiceProfileUnsharedFrames)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_EncodeRandomStacks(benchmark::State& state) {
  encode(state, random_stacks(static_cast<std::size_t>(state.range(0)), 32));
}
BENCHMARK(BM_EncodeRandomStacks)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
