// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <algorithm>
#include <cstdio>
#include <string>
#include <unordered_map>
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

/// The task table's order: busiest first.
std::vector<const task_info*> busiest_first(const snapshot& s) {
  std::vector<const task_info*> order;
  order.reserve(s.tasks.size());
  for (const task_info& t : s.tasks) order.push_back(&t);
  std::stable_sort(order.begin(), order.end(),
                   [](const task_info* a, const task_info* b) { return a->busy > b->busy; });
  return order;
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
  const std::vector<const task_info*> order = busiest_first(s);
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
  // Callbacks whose operation no task started: shown, never dropped.
  if (s.no_task.polls || s.no_task.busy.count())
    append(out, "  %-4s %6s %6s %-10s %-20s %9s %9s %9s %9s %8llu %5s  %s\n", "", "-", "-", "",
           "(no task)", "", duration(s.no_task.busy).c_str(), "", "",
           static_cast<unsigned long long>(s.no_task.polls), "", "handlers outside any task");
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

void append_operation_kinds(std::string& out, const snapshot& s) {
  if (s.operation_kinds.empty()) return;
  // The count is what tasks started; the waits are a timed sample, outside tasks too.
  append(out, "\nOperations (by kind: started by tasks; waits from start to completion, timed)\n");
  append(out, "  %-16s %10s %9s %9s %9s %9s %9s\n", "kind", "started", "timed", "p50", "p90", "p99",
         "max");
  for (const operation_kind_info& k : s.operation_kinds)
    append(out, "  %-16.16s %10llu %9llu %9s %9s %9s %9s\n", k.kind.c_str(),
           static_cast<unsigned long long>(k.count), static_cast<unsigned long long>(k.waits.count),
           duration(k.waits.p50).c_str(), duration(k.waits.p90).c_str(),
           duration(k.waits.p99).c_str(), duration(k.waits.max).c_str());
}

/// "socket_read 600, timer_wait 4": most started first, cut to `width` columns.
std::string kind_list(const std::vector<operation_count>& ops, std::size_t width) {
  std::vector<const operation_count*> order;
  for (const operation_count& op : ops)
    if (op.count) order.push_back(&op);
  std::stable_sort(order.begin(), order.end(), [](const operation_count* a, const operation_count* b) {
    return a->count > b->count;
  });
  std::string all;
  std::vector<std::size_t> ends;  // where each item ends in `all`
  for (const operation_count* op : order) {
    all += (all.empty() ? "" : ", ") + op->kind + ' ' + std::to_string(op->count);
    ends.push_back(all.size());
  }
  if (all.size() <= width) return all;
  // The items that fit with ", ..." after them.
  std::size_t keep = 0;
  for (const std::size_t end : ends)
    if (end + 5 <= width) keep = end;
  return keep ? all.substr(0, keep) + ", ..." : "...";
}

/// Operation counts of the tasks the task table shows, in its order.
void append_task_operations(std::string& out, const snapshot& s, std::size_t max_tasks) {
  const std::vector<const task_info*> order = busiest_first(s);
  bool header = false;
  for (std::size_t i = 0; i < order.size() && i < max_tasks; ++i) {
    const task_info& t = *order[i];
    std::uint64_t total = 0;
    for (const operation_count& op : t.operations) total += op.count;
    if (total == 0) continue;
    if (!header) {
      append(out, "\nOperations per task (the tasks above that started any)\n  %6s %-20s %8s  %s\n",
             "id", "name", "ops", "by kind");
      header = true;
    }
    append(out, "  %6llu %-20.20s %8llu  %s\n", static_cast<unsigned long long>(t.id),
           t.name.c_str(), static_cast<unsigned long long>(total), kind_list(t.operations, 60).c_str());
  }
}

void append_resources(std::string& out, const snapshot& s, std::size_t max_resources) {
  if (s.resources.empty() && s.dropped_resources == 0) return;
  // Most timed operations first; the snapshot's order (most recently active) breaks ties.
  std::vector<const resource_info*> order;
  order.reserve(s.resources.size());
  for (const resource_info& r : s.resources) order.push_back(&r);
  std::stable_sort(order.begin(), order.end(), [](const resource_info* a, const resource_info* b) {
    return a->timed_operations > b->timed_operations;
  });
  // The task's current name: the one the resource kept may predate the task's naming.
  std::unordered_map<std::uint64_t, const std::string*> names;
  for (const task_info& t : s.tasks) names.emplace(t.id, &t.name);
  const std::size_t shown = std::min(order.size(), max_resources);
  append(out, "\nResources (%zu of %zu, most timed operations first", shown, order.size());
  if (s.dropped_resources)
    append(out, "; %llu forgotten to stay bounded", static_cast<unsigned long long>(s.dropped_resources));
  append(out, ")\n  %6s %-10s %6s  %-6s %9s %9s %9s  %s\n", "id", "kind", "handle", "state",
         "timed ops", "p50", "p99", "last task");
  for (std::size_t i = 0; i < shown; ++i) {
    const resource_info& r = *order[i];
    const std::string handle = r.native_handle >= 0 ? std::to_string(r.native_handle) : "-";
    const auto name = names.find(r.last_task_id);
    const std::string& task_name = name != names.end() ? *name->second : r.last_task_name;
    const std::string task =
        r.last_task_id ? std::to_string(r.last_task_id) + ' ' + task_name.substr(0, 20) : "-";
    append(out, "  %6llu %-10.10s %6s  %-6s %9llu %9s %9s  %s\n", static_cast<unsigned long long>(r.id),
           r.kind.c_str(), handle.c_str(), r.closed ? "closed" : "open",
           static_cast<unsigned long long>(r.timed_operations), duration(r.waits.p50).c_str(),
           duration(r.waits.p99).c_str(), task.c_str());
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

std::string bytes(std::uint64_t n) {
  char buf[32];
  if (n < 1024) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  else if (n < 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(n) / 1024);
  else std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1024.0 * 1024));
  return buf;
}

/// Three short lines: what recording cost per poll and in CPU, and the memory it holds.
void append_self_cost(std::string& out, const snapshot& s) {
  const self_cost& c = s.self;
  append(out, "coroscope's own cost: %.0f ns per poll (%llu polls, %llu events at %s)\n",
         c.ns_per_poll, static_cast<unsigned long long>(c.polls),
         static_cast<unsigned long long>(c.events), duration(c.event_cost).c_str());
  append(out, "  CPU %.2f%% of one core: collector %s, sampler %s\n", c.cpu_ratio * 100,
         duration(c.collector_cpu).c_str(), duration(c.sampler_cpu).c_str());
  append(out, "  memory held: rings %s, recorder %s, tables %s\n", bytes(c.ring_bytes).c_str(),
         c.recorder_bytes ? bytes(c.recorder_bytes).c_str() : "-", bytes(c.table_bytes).c_str());
  if (c.recorder_lost_events || c.recorder_lost_samples)
    append(out, "  the recorder's bounds took %llu events and %llu CPU samples from its window\n",
           static_cast<unsigned long long>(c.recorder_lost_events),
           static_cast<unsigned long long>(c.recorder_lost_samples));
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

std::string format_summary(const snapshot& s, std::size_t max_tasks, std::size_t max_resources) {
  std::string out;
  append(out, "coroscope: %s, up %s, %llu live tasks, %llu completed\n", s.service_name.c_str(),
         duration(s.uptime).c_str(), static_cast<unsigned long long>(s.live_tasks),
         static_cast<unsigned long long>(s.tasks_completed));
  append_tasks(out, s, max_tasks);
  append_workers(out, s);
  append_operation_kinds(out, s);
  append_task_operations(out, s, max_tasks);
  append_resources(out, s, max_resources);
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
  append_self_cost(out, s);
  return out;
}

}  // namespace coroscope
