// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Export budget (PRODUCT.md): 100k samples -> pprof in <= 150 ms. Synthetic samples: 32
// frames each, drawn from 400 functions in 8 tasks, like a service's CPU profile at 99 Hz.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "coroscope/pprof.hpp"
#include "coroscope/profile.hpp"

namespace {

coroscope::cpu_profile synthetic_profile(std::size_t samples, std::size_t depth) {
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
      s.stack.push_back({.function = "service::function_" + std::to_string(f),
                         .file = "/src/service/file_" + std::to_string(f % 40) + ".cpp",
                         .line = static_cast<std::uint32_t>(10 + f),
                         .address = 0x1000u + static_cast<std::uint64_t>(f) * 0x40u,
                         .module = "/usr/bin/service",
                         .build_id = "0123456789abcdef"});
    }
    profile.samples.push_back(std::move(s));
  }
  return profile;
}

void BM_EncodePprof(benchmark::State& state) {
  const auto profile = synthetic_profile(static_cast<std::size_t>(state.range(0)), 32);
  std::size_t bytes = 0;
  for (auto _ : state) bytes = coroscope::encode_pprof(profile).size();
  state.counters["gzipped_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodePprof)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
