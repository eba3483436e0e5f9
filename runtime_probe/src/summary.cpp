// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "coroscope/snapshot.hpp"

namespace coroscope {
namespace {

std::string duration(nanoseconds d) {
  char buf[32];
  const double ns = static_cast<double>(d.count());
  if (ns < 1e3)
    std::snprintf(buf, sizeof buf, "%.0fns", ns);
  else if (ns < 1e6)
    std::snprintf(buf, sizeof buf, "%.1fus", ns / 1e3);
  else if (ns < 1e9)
    std::snprintf(buf, sizeof buf, "%.1fms", ns / 1e6);
  else
    std::snprintf(buf, sizeof buf, "%.2fs", ns / 1e9);
  return buf;
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void append(std::string& out, const char* format, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  out += buf;
}

void append_tasks(std::string& out, const snapshot& s, std::size_t max_tasks) {
  std::size_t running = 0, idle = 0, completed = 0;
  for (const task_info& t : s.tasks) {
    if (t.state == task_state::completed)
      ++completed;
    else if (t.state == task_state::idle)
      ++idle;
    else
      ++running;
  }
  append(out, "Tasks (%zu running/scheduled, %zu idle, %zu completed shown; %llu spawned)\n",
         running, idle, completed, static_cast<unsigned long long>(s.tasks_spawned));
  std::vector<const task_info*> order;
  for (const task_info& t : s.tasks) order.push_back(&t);
  std::sort(order.begin(), order.end(),
            [](const task_info* a, const task_info* b) { return a->busy > b->busy; });
  append(out, "  %-4s %6s %6s %-10s %-20s %9s %9s %9s %9s %8s %5s  %s\n", "warn", "id", "parent",
         "state", "name", "total", "busy", "sched", "idle", "polls", "slow", "location");
  for (std::size_t i = 0; i < order.size() && i < max_tasks; ++i) {
    const task_info& t = *order[i];
    std::size_t warnings = 0;
    for (const warning_info& w : s.warnings) warnings += w.task_id == t.id;
    const std::string location =
        base_name(t.spawn_location.file) + ":" + std::to_string(t.spawn_location.line);
    append(out, "  %-4s %6llu %6llu %-10s %-20.20s %9s %9s %9s %9s %8llu %5llu  %s\n",
           warnings ? ("!" + std::to_string(warnings)).c_str() : "",
           static_cast<unsigned long long>(t.id), static_cast<unsigned long long>(t.parent_id),
           to_string(t.state), t.name.c_str(), duration(t.total).c_str(),
           duration(t.busy).c_str(), duration(t.scheduled).c_str(), duration(t.idle).c_str(),
           static_cast<unsigned long long>(t.polls), static_cast<unsigned long long>(t.slow_polls),
           location.c_str());
  }
  if (order.size() > max_tasks) append(out, "  ... %zu more\n", order.size() - max_tasks);
}

void append_workers(std::string& out, const snapshot& s) {
  append(out, "\nWorkers\n  %6s %10s %6s %8s %10s %8s %8s %8s %8s\n", "worker", "polls", "busy%",
         "parks", "park time", "noop", "steals", "remote", "migr");
  for (const worker_info& w : s.workers) {
    append(out, "  %6u %10llu %5.1f%% %8llu %10s %8llu %8llu %8llu %8llu\n", w.index,
           static_cast<unsigned long long>(w.polls), w.busy_ratio * 100.0,
           static_cast<unsigned long long>(w.parks), duration(w.park_time).c_str(),
           static_cast<unsigned long long>(w.noop_unparks),
           static_cast<unsigned long long>(w.steals),
           static_cast<unsigned long long>(w.remote_schedules),
           static_cast<unsigned long long>(w.migrations));
  }
}

void append_await_sites(std::string& out, const snapshot& s) {
  if (s.await_sites.empty()) return;
  append(out, "\nAwait sites\n  %-36s %-22s %8s %6s %9s %9s %9s %9s\n", "name", "where", "count",
         "slow", "total", "p50", "p99", "max");
  for (const await_site_info& a : s.await_sites) {
    const std::string where = base_name(a.file) + ":" + std::to_string(a.line);
    append(out, "  %-36.36s %-22.22s %8llu %6llu %9s %9s %9s %9s\n", a.name.c_str(), where.c_str(),
           static_cast<unsigned long long>(a.count), static_cast<unsigned long long>(a.slow_count),
           duration(a.total).c_str(), duration(a.durations.p50).c_str(),
           duration(a.durations.p99).c_str(), duration(a.max).c_str());
  }
}

void append_warnings(std::string& out, const snapshot& s) {
  if (s.warnings.empty()) return;
  append(out, "\nWarnings (%zu)\n", s.warnings.size());
  for (const warning_info& w : s.warnings) {
    append(out, "  %-22s task %llu %-20.20s x%-5llu %s", w.lint.c_str(),
           static_cast<unsigned long long>(w.task_id), w.task_name.c_str(),
           static_cast<unsigned long long>(w.occurrences), w.message.c_str());
    if (!w.trace_id.empty()) append(out, " [trace %s span %s]", w.trace_id.c_str(), w.span_id.c_str());
    out += '\n';
  }
  if (s.dropped_warnings) append(out, "  ... %llu more not listed\n",
                                 static_cast<unsigned long long>(s.dropped_warnings));
}

}  // namespace

const char* to_string(task_state s) noexcept {
  switch (s) {
    case task_state::running: return "running";
    case task_state::scheduled: return "scheduled";
    case task_state::idle: return "idle";
    case task_state::completed: return "completed";
  }
  return "?";
}

std::string format_summary(const snapshot& s, std::size_t max_tasks) {
  std::string out;
  append(out, "coroscope: %s, up %s, %llu live tasks, %llu completed\n", s.service_name.c_str(),
         duration(s.uptime).c_str(), static_cast<unsigned long long>(s.live_tasks),
         static_cast<unsigned long long>(s.tasks_completed));
  append_tasks(out, s, max_tasks);
  append_workers(out, s);
  append_await_sites(out, s);
  append_warnings(out, s);
  append(out, "\nDropped events: %llu%s\n", static_cast<unsigned long long>(s.dropped_events),
         s.dropped_events ? " (rings were full: figures above undercount)" : "");
  if (s.dropped_cpu_samples)
    append(out, "Dropped CPU samples: %llu (profiles undercount)\n",
           static_cast<unsigned long long>(s.dropped_cpu_samples));
  if (s.untracked_spawns)
    append(out, "Untracked spawns: %llu (task pool exhausted)\n",
           static_cast<unsigned long long>(s.untracked_spawns));
  return out;
}

}  // namespace coroscope
