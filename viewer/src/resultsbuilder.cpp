// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "resultsbuilder.hpp"

#include <algorithm>
#include <unordered_map>

namespace coroscope::viewer {

ResultsBuilder::ResultsBuilder(Options options) : m_options(options) {}

void ResultsBuilder::reset() {
  m_instance.clear();
  m_started = false;
  m_tasks.clear();
  m_workers.clear();
  m_siteSlow.clear();
  m_slowLog.clear();
  m_samples.clear();
  m_heap.reset();
}

ResultsPtr ResultsBuilder::add(const console_state& state) {
  // Another process (or a restarted one): what we kept belongs to the old one.
  if (m_started && state.identity.instance_id != m_instance) reset();
  m_started = true;
  m_instance = state.identity.instance_id;

  auto out = std::make_shared<Results>();
  out->identity = state.identity;
  out->sequence = state.sequence;
  out->time = state.time;
  out->uptime = state.uptime;
  out->counts = state.counts;
  out->awaitSites = state.await_sites;
  out->warnings = state.warnings;
  out->noTask = state.no_task;
  out->self = state.self;
  out->operationKinds = state.operation_kinds;
  out->resources.reserve(state.resources.size());
  for (const auto& [id, r] : state.resources) out->resources.push_back(r);

  // Tasks: what the probe reports now, plus completed ones still within retention.
  for (auto& [id, row] : m_tasks) row.retained = true;
  for (const auto& [id, info] : state.tasks) {
    auto [it, inserted] = m_tasks.try_emplace(id);
    TaskRow& row = it->second;
    const bool wasCompleted = !inserted && row.isCompleted();
    row.info = info;
    row.retained = false;
    if (row.isCompleted() && !wasCompleted) row.completedAt = state.time;
  }
  for (auto it = m_tasks.begin(); it != m_tasks.end();) {
    TaskRow& row = it->second;
    if (row.retained && !row.isCompleted()) {
      // Retired without a completion we saw (e.g. between updates): it has ended.
      row.info.state = task_state::completed;
      row.completedAt = state.time;
    }
    if (row.retained && state.time - row.completedAt > m_options.retainCompleted)
      it = m_tasks.erase(it);
    else
      ++it;
  }
  std::unordered_map<std::uint64_t, int> warningsPerTask;
  for (const auto& w : state.warnings) ++warningsPerTask[w.task_id];
  out->tasks.reserve(m_tasks.size());
  for (auto& [id, row] : m_tasks) {
    const auto w = warningsPerTask.find(id);
    row.warnings = w == warningsPerTask.end() ? 0 : w->second;
    out->tasks.push_back(row);
    switch (row.info.state) {
      case task_state::running: ++out->running; break;
      case task_state::scheduled: ++out->scheduled; break;
      case task_state::idle: ++out->idle; break;
      case task_state::completed: ++out->completed; break;
    }
  }

  // Workers: busy ratio of each interval, from the growth of busy and elapsed time.
  for (const auto& w : state.workers) {
    WorkerPoint& p = m_workers[w.index];
    double ratio = w.busy_ratio;
    if (w.elapsed > p.elapsed && w.busy >= p.busy && !p.history.empty())
      ratio = double((w.busy - p.busy).count()) / double((w.elapsed - p.elapsed).count());
    p.busy = w.busy;
    p.elapsed = w.elapsed;
    p.history.push_back(std::clamp(ratio, 0.0, 1.0));
    while (p.history.size() > m_options.historyLength) p.history.pop_front();
    out->workers.push_back({w, {p.history.begin(), p.history.end()}});
  }

  // Slow-await log: every growth of a site's slow count.
  for (const auto& site : state.await_sites) {
    auto& seen = m_siteSlow[SiteKey{site.name, site.file, site.line}];
    if (site.slow_count > seen) {
      const auto slash = site.file.find_last_of('/');
      const std::string file = slash == std::string::npos ? site.file : site.file.substr(slash + 1);
      m_slowLog.push_back({state.time, site.name, file + ':' + std::to_string(site.line),
                           site.slow_count - seen, site.slow_count, site.max});
      while (m_slowLog.size() > m_options.slowLogLength) m_slowLog.pop_front();
    }
    seen = site.slow_count;
  }
  out->slowAwaits.assign(m_slowLog.begin(), m_slowLog.end());

  // Heap: copied only when the probe sent a new view (about once a second).
  if (state.full || state.heap_changed || static_cast<bool>(m_heap) != state.heap.has_value())
    m_heap = state.heap ? std::make_shared<const heap_view>(*state.heap) : nullptr;
  out->heap = m_heap;

  m_samples.push_back(state.cpu_samples);
  while (m_samples.size() > m_options.flameWindow) m_samples.pop_front();
  for (const auto& batch : m_samples)
    out->cpuSamples.insert(out->cpuSamples.end(), batch.begin(), batch.end());
  return out;
}

}  // namespace coroscope::viewer
