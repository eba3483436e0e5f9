// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "timeline_counters.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace coroscope::detail {
namespace {

/// The points of one worker's counter of one kind, one per step (index 0 at `begin`).
struct series {
  std::uint64_t begin, step;
  std::vector<double> values;
  std::size_t index(std::uint64_t ns) const { return ns <= begin ? 0 : (ns - begin) / step; }
};

series make_series(const timeline& t, std::uint64_t step) {
  return {t.begin_ns, step, std::vector<double>((t.end_ns - t.begin_ns) / step + 1, 0.0)};
}

/// Adds [from, to) to `s` as the share of each step it covers.
void add_busy(series& s, std::uint64_t from, std::uint64_t to) {
  from = std::max(from, s.begin);
  while (from < to) {
    const std::size_t i = s.index(from);
    if (i >= s.values.size()) return;
    const std::uint64_t step_end = s.begin + (i + 1) * s.step;
    const std::uint64_t until = std::min(to, step_end);
    s.values[i] += static_cast<double>(until - from) / static_cast<double>(s.step);
    from = until;
  }
}

void busy_ratios(const timeline& t, std::uint64_t step, std::map<unsigned, series>& out) {
  std::map<unsigned, std::vector<std::pair<std::uint64_t, std::uint64_t>>> by_worker;
  for (const timeline::poll& p : t.polls) by_worker[p.worker].emplace_back(p.begin_ns, p.end_ns);
  for (auto& [worker, polls] : by_worker) {
    std::sort(polls.begin(), polls.end());
    series s = make_series(t, step);
    // Merged: a poll run inline inside another adds nothing to its busy time.
    std::uint64_t from = 0, to = 0;
    for (const auto& [begin, end] : polls) {
      if (begin > to) {
        add_busy(s, from, to);
        from = begin;
      }
      to = std::max(to, end);
    }
    add_busy(s, from, to);
    for (double& v : s.values) v = std::min(v, 1.0);
    out.emplace(worker, std::move(s));
  }
}

void queue_depths(const timeline& t, const std::vector<queued_interval>& queued, std::uint64_t step,
                  std::map<unsigned, series>& out) {
  // +1 where a task was posted, -1 where it was polled; a poll comes after its post at
  // the same time.
  std::map<unsigned, std::vector<std::pair<std::uint64_t, int>>> changes;
  for (const queued_interval& q : queued) {
    if (q.end_ns < t.begin_ns || q.begin_ns > t.end_ns) continue;
    changes[q.worker].emplace_back(std::max(q.begin_ns, t.begin_ns), 1);
    changes[q.worker].emplace_back(q.end_ns, -1);
  }
  for (auto& [worker, steps] : changes) {
    std::sort(steps.begin(), steps.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
    series s = make_series(t, step);
    int depth = 0;
    std::size_t next = 0;
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      const std::uint64_t step_end = s.begin + (i + 1) * s.step;
      int peak = depth;  // what the step starts with
      for (; next < steps.size() && steps[next].first < step_end; ++next)
        peak = std::max(peak, depth += steps[next].second);
      s.values[i] = peak;
    }
    out.emplace(worker, std::move(s));
  }
}

void append(timeline& t, timeline::counter_kind kind, const std::map<unsigned, series>& all) {
  for (const auto& [worker, s] : all)
    for (std::size_t i = 0; i < s.values.size(); ++i)
      t.counters.push_back({kind, worker, s.begin + i * s.step, s.values[i]});
}

}  // namespace

std::uint64_t counter_step_ns(std::uint64_t window_ns) {
  constexpr std::uint64_t kMin = 1'000'000, kMax = 1'000'000'000;
  return std::clamp<std::uint64_t>(window_ns / 500, kMin, kMax);
}

void add_counters(timeline& out, const std::vector<queued_interval>& queued, std::uint64_t step_ns) {
  if (out.end_ns <= out.begin_ns || step_ns == 0) return;
  std::map<unsigned, series> busy, depth;
  busy_ratios(out, step_ns, busy);
  queue_depths(out, queued, step_ns, depth);
  append(out, timeline::counter_kind::busy_ratio, busy);
  append(out, timeline::counter_kind::queue_depth, depth);
}

}  // namespace coroscope::detail
