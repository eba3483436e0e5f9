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

// Recording one event into a ring with room: what every probe hook pays besides its clock
// reads. The ring is drained (untimed) whenever it is half full.
void BM_RecordEvent(benchmark::State& state) {
  event_ring ring(16384);
  std::uint64_t n = 0;
  for (auto _ : state) {
    ++n;
    ring.push(make_poll_event({}, {n, n, n, 0}, 0));
    if ((n & 8191) == 0) {
      state.PauseTiming();
      ring.drain([](const event&) {});
      state.ResumeTiming();
    }
  }
  state.counters["dropped"] = static_cast<double>(ring.dropped());
}
BENCHMARK(BM_RecordEvent);

// The same through `emit_event` (thread-local ring) while the collector drains concurrently;
// when it falls behind, events are dropped and counted (the `dropped` counter).
void BM_EmitEvent(benchmark::State& state) {
  probe_fixture f;
  task_record& t = *f.ex.task_record();
  std::uint64_t n = 0;
  const std::uint64_t dropped_before = t_state.ring ? t_state.ring->dropped() : 0;
  for (auto _ : state) {
    // An event the aggregator ignores.
    emit_event(make_worker_stop_event(source_of(t), {++n}));
  }
  state.counters["dropped"] = static_cast<double>(t_state.ring->dropped() - dropped_before);
}
BENCHMARK(BM_EmitEvent);

// One handler invocation as the hooks record it: an operation tagged when created, and the
// poll bracket around its invocation (the benchmark thread is no worker: no worker slot).
void BM_PollFrame(benchmark::State& state) {
  probe_fixture f;
  task_record* t = f.ex.task_record();
  for (auto _ : state) {
    op_tag tag;
    tag_new_op(tag, "io_context", "post", nullptr, 0);
    poll_frame frame;
    frame.begin(t, tag, false);
    benchmark::ClobberMemory();
    frame.end();
  }
}
BENCHMARK(BM_PollFrame);

// The same with a TIMED_AWAIT in it.
void BM_PollWithTimedAwait(benchmark::State& state) {
  probe_fixture f;
  task_record* t = f.ex.task_record();
  static constexpr await_site site{"bench", __FILE__, __LINE__};
  for (auto _ : state) {
    op_tag tag;
    tag_new_op(tag, "io_context", "post", nullptr, 0);
    poll_frame frame;
    frame.begin(t, tag, false);
    {
      await_timer timer(site);
      benchmark::ClobberMemory();
    }
    frame.end();
  }
}
BENCHMARK(BM_PollWithTimedAwait);

void BM_ReadTicks(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ticks());
}
BENCHMARK(BM_ReadTicks);

}  // namespace
