// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "self_cost.hpp"

#include <algorithm>

#include "collector.hpp"
#include "coroscope/base/spsc_ring.hpp"
#include "coroscope/core/cpu_windows.hpp"
#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/event.hpp"
#include "coroscope/detail/task_record.hpp"
#include "coroscope/sampler.hpp"
#include "ring_registry.hpp"

namespace coroscope::detail {
namespace {

/// Bytes of the CPU sampler's rings: one per registered thread.
std::uint64_t sample_ring_bytes() {
  const sampling::sampler_stats s = sampling::stats();
  using sample_ring = base::spsc_ring<sampling::raw_sample>;
  const std::size_t slots = sample_ring::capacity_for(sampling::options().ring_samples);
  return std::uint64_t{s.threads} * slots * sizeof(sampling::raw_sample);
}

std::chrono::nanoseconds measure_event_cost() {
  // What a timed poll adds on its worker: a clock read at each end, the record, the push.
  // The best of a few rounds: the cost when nothing else (a preemption) is in the way.
  constexpr std::size_t kEvents = 1024;
  constexpr int kRounds = 8;
  base::spsc_ring<event> ring(kEvents);
  std::uint64_t best = ~std::uint64_t{0};
  for (int round = 0; round < kRounds; ++round) {
    const std::uint64_t start = ticks();
    for (std::size_t i = 0; i < kEvents; ++i) {
      const std::uint64_t begin = ticks();
      const std::uint64_t end = ticks();
      ring.push(make_poll_event({0, 0, 0, i}, {0, begin, end, 0}, 0));
    }
    best = std::min(best, ticks() - start);
    ring.drain([](const event&) {});
  }
  const auto ns = ticks_to_ns(static_cast<std::int64_t>(best));
  return std::chrono::nanoseconds(std::max<std::int64_t>(1, ns / static_cast<std::int64_t>(kEvents)));
}

}  // namespace

std::chrono::nanoseconds calibrated_event_cost() {
  static const std::chrono::nanoseconds cost = measure_event_cost();
  return cost;
}

self_cost_meter::self_cost_meter()
    : collector_cpu_at_start_(collector::instance().cpu_ns()),
      samples_at_start_(sampling::stats().samples),
      drain_cpu_at_start_(cpu_window_drain_cpu_ns()),
      started_(std::chrono::steady_clock::now()) {
  (void)calibrated_event_cost();  // now, not inside the first snapshot
}

self_cost self_cost_meter::measure(const self_cost_inputs& in) const {
  self_cost c;
  c.polls = in.polls;
  c.events = in.events;
  c.event_cost = calibrated_event_cost();
  c.collector_cpu =
      std::chrono::nanoseconds(count_since(collector::instance().cpu_ns(), collector_cpu_at_start_));
  // The signal handlers: samples since the probe started at their measured mean cost
  // (the mean moves, so it is not a counter to take a difference of), and the drain thread.
  const sampling::sampler_stats sampler = sampling::stats();
  c.sampler_cpu = std::chrono::nanoseconds(
      count_since(sampler.samples, samples_at_start_) * sampler.mean_sample_cost_ns +
      count_since(cpu_window_drain_cpu_ns(), drain_cpu_at_start_));
  if (c.polls > 0)
    c.ns_per_poll = (static_cast<double>(c.collector_cpu.count()) +
                     static_cast<double>(c.events) * static_cast<double>(c.event_cost.count())) /
                    static_cast<double>(c.polls);
  const auto wall = std::chrono::steady_clock::now() - started_;
  if (wall.count() > 0)
    c.cpu_ratio = static_cast<double>((c.collector_cpu + c.sampler_cpu).count()) /
                  static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count());
  c.ring_bytes = ring_registry::instance().bytes() + sample_ring_bytes();
  c.recorder_bytes = in.recorder_bytes;
  c.recorder_lost_events = in.recorder_lost_events;
  c.recorder_lost_samples = in.recorder_lost_samples;
  c.table_bytes = in.table_bytes + task_pool::capacity() * sizeof(task_record);
  return c;
}

}  // namespace coroscope::detail
