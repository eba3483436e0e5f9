// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "timeline/timelineindex.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_set>

namespace coroscope::viewer {

std::pair<std::size_t, std::size_t> IntervalRow::overlapping(std::uint64_t t0,
                                                             std::uint64_t t1) const {
  // maxEnd is non-decreasing: everything before the first maxEnd > t0 ended by t0.
  const auto first = std::upper_bound(maxEnd.begin(), maxEnd.end(), t0) - maxEnd.begin();
  const auto last = std::lower_bound(begin.begin(), begin.end(), t1) - begin.begin();
  return {std::size_t(first), std::max(std::size_t(first), std::size_t(last))};
}

namespace {

struct Interval {
  std::uint64_t begin, end, task;
};

IntervalRow makeRow(std::vector<Interval>& v) {
  std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) {
    // Equal begins: the longer (enclosing) poll first, so nested ones paint over it.
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  IntervalRow r;
  r.begin.reserve(v.size());
  r.end.reserve(v.size());
  r.maxEnd.reserve(v.size());
  r.task.reserve(v.size());
  std::uint64_t maxEnd = 0;
  for (const auto& i : v) {
    r.begin.push_back(i.begin);
    r.end.push_back(std::max(i.begin, i.end));
    maxEnd = std::max(maxEnd, r.end.back());
    r.maxEnd.push_back(maxEnd);
    r.task.push_back(i.task);
  }
  return r;
}

}  // namespace

TimelineIndex::TimelineIndex(std::shared_ptr<const timeline> t) : m_timeline(std::move(t)) {
  const timeline& tl = *m_timeline;
  for (const auto& w : tl.workers) m_workers.push_back(w.index);
  for (const auto& p : tl.polls) m_workers.push_back(p.worker);
  for (const auto& p : tl.parks) m_workers.push_back(p.worker);
  std::sort(m_workers.begin(), m_workers.end());
  m_workers.erase(std::unique(m_workers.begin(), m_workers.end()), m_workers.end());

  std::vector<std::vector<Interval>> polls(m_workers.size()), parks(m_workers.size());
  for (const auto& p : tl.polls) polls[*rowOfWorker(p.worker)].push_back({p.begin_ns, p.end_ns, p.task_id});
  for (const auto& p : tl.parks) parks[*rowOfWorker(p.worker)].push_back({p.begin_ns, p.end_ns, 0});
  for (std::size_t r = 0; r < m_workers.size(); ++r) {
    m_polls.push_back(makeRow(polls[r]));
    m_parks.push_back(makeRow(parks[r]));
  }
  for (std::size_t i = 0; i < tl.tasks.size(); ++i) m_taskIndex.emplace(tl.tasks[i].id, i);

  // The window as given, widened to every event in case a recorder was loose about it.
  m_begin = tl.begin_ns;
  m_end = std::max(tl.end_ns, tl.begin_ns);
  for (const auto& r : m_polls) {
    if (r.size() == 0) continue;
    m_begin = std::min(m_begin, r.begin.front());
    m_end = std::max(m_end, r.maxEnd.back());
  }
  if (m_end == m_begin) ++m_end;  // never an empty range to divide by
}

std::optional<std::size_t> TimelineIndex::rowOfWorker(unsigned worker) const {
  const auto it = std::lower_bound(m_workers.begin(), m_workers.end(), worker);
  if (it == m_workers.end() || *it != worker) return std::nullopt;
  return std::size_t(it - m_workers.begin());
}

std::string TimelineIndex::rowName(std::size_t row) const {
  const unsigned w = m_workers[row];
  for (const auto& info : m_timeline->workers) {
    if (info.index == w && !info.thread_name.empty()) return info.thread_name;
  }
  return "worker " + std::to_string(w);
}

std::string TimelineIndex::taskName(std::uint64_t id) const {
  if (id == 0) return "(no task)";
  const auto it = m_taskIndex.find(id);
  if (it == m_taskIndex.end() || m_timeline->tasks[it->second].name.empty()) {
    return "task #" + std::to_string(id);
  }
  return m_timeline->tasks[it->second].name + " #" + std::to_string(id);
}

std::vector<WakeArrow> wakeArrowsOf(const TimelineIndex& index, std::uint64_t task) {
  const timeline& tl = index.data();
  std::vector<const timeline::wake*> wakes;
  std::unordered_set<std::uint64_t> involved{task};
  for (const auto& w : tl.wakes) {
    const bool byTask = w.waker == timeline::waker_kind::task;
    if (w.task_id == task || (byTask && w.waker_task_id == task)) {
      wakes.push_back(&w);
      involved.insert(w.task_id);
      if (byTask) involved.insert(w.waker_task_id);
    }
  }
  if (wakes.empty()) return {};

  // The polls of the tasks involved, by task, sorted by begin.
  std::unordered_map<std::uint64_t, std::vector<const timeline::poll*>> polls;
  for (const auto& p : tl.polls) {
    if (involved.count(p.task_id)) polls[p.task_id].push_back(&p);
  }
  for (auto& [id, v] : polls) {
    std::sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->begin_ns < b->begin_ns; });
  }

  std::vector<WakeArrow> out;
  for (const auto* w : wakes) {
    const auto& wakee = polls[w->task_id];
    const auto next = std::lower_bound(wakee.begin(), wakee.end(), w->time_ns,
                                       [](auto* p, std::uint64_t t) { return p->begin_ns < t; });
    if (next == wakee.end()) continue;
    WakeArrow a;
    a.kind = w->waker;
    a.wakeeTask = w->task_id;
    a.wakerTask = w->waker == timeline::waker_kind::task ? w->waker_task_id : 0;
    a.fromTime = w->time_ns;
    a.toTime = (*next)->begin_ns;
    a.toRow = *index.rowOfWorker((*next)->worker);
    a.fromRow = a.toRow;
    if (a.kind == timeline::waker_kind::task) {
      // The waker's poll running at the wake: the last one that began by then.
      const auto& waker = polls[a.wakerTask];
      auto it = std::upper_bound(waker.begin(), waker.end(), w->time_ns,
                                 [](std::uint64_t t, auto* p) { return t < p->begin_ns; });
      if (it != waker.begin() && (*std::prev(it))->end_ns >= w->time_ns) {
        a.fromRow = *index.rowOfWorker((*std::prev(it))->worker);
      }
    }
    out.push_back(a);
  }
  return out;
}

}  // namespace coroscope::viewer
