// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The flight recorder's window as a timeline: the recorder's events, with the workers and
// task names the aggregator knows.
#include <unistd.h>

#include "aggregator.hpp"
#include "coroscope/detail/clock.hpp"

namespace coroscope::detail {
std::optional<timeline> aggregator::trace_window(std::chrono::nanoseconds last,
                                                 std::uint64_t dropped,
                                                 std::vector<queued_interval>& queued,
                                                 timeline_cursor* after) const {
  if (!recorder_.on()) return std::nullopt;
  timeline out;
  out.process_name = options_.service_name;
  out.pid = ::getpid();
  const std::uint64_t newest = std::max(recorder_.newest_tick(), ticks());
  const std::uint64_t span = last.count() > 0 ? ns_to_ticks(last.count()) : 0;
  recorder_.fill(out, span != 0 && newest > span ? newest - span : 0, queued, after);
  out.dropped_events = dropped + recorder_.lost();
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    const worker_stats& w = workers_[i];
    if (w.start_tick == 0) continue;
    out.workers.push_back({static_cast<unsigned>(i), w.thread_name, w.tid});
  }
  for (timeline::task& t : out.tasks) {
    auto it = tasks_.find(t.id);
    if (it == tasks_.end()) continue;
    t.name = it->second.name;
    if (t.parent_id == 0) t.parent_id = it->second.parent_id;
  }
  return out;
}

std::vector<core::lint_firing> aggregator::lints_since(std::uint64_t after) const {
  std::vector<core::lint_firing> out;
  for (const core::lint_firing& f : recent_lints_)
    if (f.seq > after) out.push_back(f);
  return out;
}

}  // namespace coroscope::detail
