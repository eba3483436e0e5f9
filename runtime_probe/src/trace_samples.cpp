// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "trace_samples.hpp"

#include <algorithm>
#include <span>
#include <unordered_map>
#include <vector>

#include "coroscope/sampler.hpp"
#include "recent_samples.hpp"
#include "shared_symbolizer.hpp"

namespace coroscope::detail {
namespace {

/// Samples symbolized per call of the profile builder: bounds the raw samples rebuilt for
/// it (0.9 KiB each) whatever the store holds.
constexpr std::size_t kChunk = 256;

void to_raw(const recent_samples::kept& k, sampling::raw_sample& raw) {
  raw.timestamp_ns = k.time_ns;
  raw.weight_ns = 0;
  raw.tid = k.tid;
  raw.depth = k.depth;
  std::copy_n(k.pcs.begin(), k.depth, raw.pcs);
  raw.context = sampling::sample_context{};
  raw.context.task_id = k.task_id;
  raw.context.worker = k.worker;
  raw.context.async_depth = static_cast<std::uint16_t>(k.pcs.size() - k.depth);
  std::copy(k.pcs.begin() + k.depth, k.pcs.end(), raw.context.async_pcs);
}

}  // namespace

void add_recent_samples(timeline& window, std::uint64_t since_ns) {
  std::unordered_map<std::int32_t, unsigned> worker_of_tid;
  for (const timeline::worker& w : window.workers)
    if (w.tid != 0) worker_of_tid[static_cast<std::int32_t>(w.tid)] = w.index;
  std::vector<recent_samples::kept> kept = recent_cpu_samples().since(since_ns);
  std::erase_if(kept, [&](const recent_samples::kept& k) { return !worker_of_tid.contains(k.tid); });
  if (kept.empty()) return;

  std::vector<sampling::raw_sample> raw(std::min(kept.size(), kChunk));
  shared_symbolizer symbols;
  for (std::size_t first = 0; first < kept.size(); first += kChunk) {
    const std::size_t n = std::min(kChunk, kept.size() - first);
    for (std::size_t i = 0; i < n; ++i) to_raw(kept[first + i], raw[i]);
    // One profile sample per raw sample, in order (build_cpu_profile's contract).
    cpu_profile built = build_cpu_profile(std::span(raw.data(), n), *symbols, 0);
    for (std::size_t i = 0; i < n && i < built.samples.size(); ++i) {
      const recent_samples::kept& k = kept[first + i];
      std::vector<frame> stack = built.frames_of(built.samples[i]);
      // The task is the sample's task_id (the trace names it); its root frame is not code.
      std::erase_if(stack, [](const frame& f) { return f.is_task_frame; });
      window.samples.push_back({k.time_ns, worker_of_tid.at(k.tid), k.task_id, std::move(stack)});
    }
  }
  symbols.trim();

  const auto [earliest, latest] = std::minmax_element(
      window.samples.begin(), window.samples.end(),
      [](const timeline::cpu_sample& a, const timeline::cpu_sample& b) { return a.time_ns < b.time_ns; });
  const bool had_events = window.end_ns != 0;
  window.begin_ns = had_events ? std::min(window.begin_ns, earliest->time_ns) : earliest->time_ns;
  window.end_ns = std::max(window.end_ns, latest->time_ns);
}

}  // namespace coroscope::detail
