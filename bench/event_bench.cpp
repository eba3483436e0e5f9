// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Micro-benchmarks of the hot path: recording one event, bracketing one poll, one
// TIMED_AWAIT timer, with a probe (and its collector thread draining) alive.
#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>

#include "coroscope/coroscope.hpp"
#include "coroscope/detail/poll_hooks.hpp"

namespace {

using namespace coroscope::detail;

struct probe_fixture {
  boost::asio::io_context io;
  coroscope::probe probe{io};
  coroscope::task_executor ex = probe.executor("bench");
};

void BM_EmitEvent(benchmark::State& state) {
  probe_fixture f;
  task_record& t = *f.ex.task_record();
  event e = make_task_event(event_kind::poll, t);
  for (auto _ : state) {
    e.b = ticks();
    emit(e);
  }
}
BENCHMARK(BM_EmitEvent);

void BM_PollScope(benchmark::State& state) {
  probe_fixture f;
  task_record* t = f.ex.task_record();
  const std::uint32_t gen = f.ex.task_generation();
  for (auto _ : state) {
    const wake_info wake = on_wake(*t);
    poll_scope scope(t, gen, wake);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_PollScope);

void BM_AwaitTimer(benchmark::State& state) {
  probe_fixture f;
  static constexpr await_site site{"bench", __FILE__, __LINE__};
  for (auto _ : state) {
    await_timer timer(site);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_AwaitTimer);

void BM_ReadTicks(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ticks());
}
BENCHMARK(BM_ReadTicks);

}  // namespace
