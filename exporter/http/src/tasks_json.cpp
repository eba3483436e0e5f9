// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/metrics.hpp>

#include <unordered_map>

#include <nlohmann/json.hpp>

namespace coroscope {
namespace {

using nlohmann::json;

json histogram(const duration_histogram& h) {
  return {{"count", h.count},        {"min_ns", h.min.count()}, {"max_ns", h.max.count()},
          {"p10_ns", h.p10.count()}, {"p25_ns", h.p25.count()}, {"p50_ns", h.p50.count()},
          {"p75_ns", h.p75.count()}, {"p90_ns", h.p90.count()}, {"p95_ns", h.p95.count()},
          {"p99_ns", h.p99.count()}};
}

json operations(const std::vector<operation_count>& ops) {
  json out = json::array();
  for (const auto& op : ops) out.push_back({{"kind", op.kind}, {"count", op.count}});
  return out;
}

json task(const task_info& t) {
  return {{"id", t.id},
          {"parent_id", t.parent_id},
          {"name", t.name},
          {"state", to_string(t.state)},
          {"polls", t.polls},
          {"total_ns", t.total.count()},
          {"busy_ns", t.busy.count()},
          {"scheduled_ns", t.scheduled.count()},
          {"idle_ns", t.idle.count()},
          {"first_poll_delay_ns", t.first_poll_delay.count()},
          {"slow_polls", t.slow_polls},
          {"wakes", t.wakes},
          {"self_wakes", t.self_wakes},
          {"migrations", t.migrations},
          {"failed", t.failed},
          {"spawn_location",
           {{"file", t.spawn_location.file},
            {"line", t.spawn_location.line},
            {"function", t.spawn_location.function}}},
          {"poll_times", histogram(t.poll_times)},
          {"scheduled_times", histogram(t.scheduled_times)},
          {"trace_id", t.trace_id},
          {"span_id", t.span_id},
          {"operations", operations(t.operations)}};
}

json worker(const worker_info& w) {
  return {{"index", w.index},
          {"polls", w.polls},
          {"busy_ns", w.busy.count()},
          {"elapsed_ns", w.elapsed.count()},
          {"busy_ratio", w.busy_ratio},
          {"parks", w.parks},
          {"park_time_ns", w.park_time.count()},
          {"noop_unparks", w.noop_unparks},
          {"steals", w.steals},
          {"remote_schedules", w.remote_schedules},
          {"migrations", w.migrations},
          {"running", w.running}};
}

json await_site(const await_site_info& a) {
  return {{"name", a.name},
          {"file", a.file},
          {"line", a.line},
          {"count", a.count},
          {"slow_count", a.slow_count},
          {"total_ns", a.total.count()},
          {"max_ns", a.max.count()},
          {"durations", histogram(a.durations)}};
}

json warning(const warning_info& w) {
  return {{"lint", w.lint},         {"task_id", w.task_id},         {"task_name", w.task_name},
          {"message", w.message},   {"occurrences", w.occurrences}, {"trace_id", w.trace_id},
          {"span_id", w.span_id}};
}

json operation_kind(const operation_kind_info& k) {
  return {{"kind", k.kind}, {"count", k.count}, {"waits", histogram(k.waits)}};
}

json resource(const resource_info& r) {
  return {{"id", r.id},
          {"kind", r.kind},
          {"native_handle", r.native_handle},
          {"closed", r.closed},
          {"timed_operations", r.timed_operations},
          {"waits", histogram(r.waits)},
          {"last_task_id", r.last_task_id},
          {"last_task_name", r.last_task_name}};
}

/// Operations without annotations, the "(no task)" bucket and the resources.
void add_operations(json& j, const snapshot& s) {
  j["dropped_resources"] = s.dropped_resources;
  j["no_task"] = {{"polls", s.no_task.polls}, {"busy_ns", s.no_task.busy.count()}};
  json& kinds = j["operation_kinds"] = json::array();
  for (const auto& k : s.operation_kinds) kinds.push_back(operation_kind(k));
  json& resources = j["resources"] = json::array();
  for (const auto& r : s.resources) resources.push_back(resource(r));
}

json document(const snapshot& s) {
  json j = {{"service_name", s.service_name},
            {"uptime_ns", s.uptime.count()},
            {"tasks_spawned", s.tasks_spawned},
            {"tasks_completed", s.tasks_completed},
            {"live_tasks", s.live_tasks},
            {"dropped_events", s.dropped_events},
            {"untracked_spawns", s.untracked_spawns},
            {"dropped_warnings", s.dropped_warnings}};
  json& tasks = j["tasks"] = json::array();
  for (const auto& t : s.tasks) tasks.push_back(task(t));
  json& workers = j["workers"] = json::array();
  for (const auto& w : s.workers) workers.push_back(worker(w));
  json& sites = j["await_sites"] = json::array();
  for (const auto& a : s.await_sites) sites.push_back(await_site(a));
  json& warnings = j["warnings"] = json::array();
  for (const auto& w : s.warnings) warnings.push_back(warning(w));
  add_operations(j, s);
  return j;
}

json frames(const std::vector<async_frame>& stack) {
  json out = json::array();
  for (const auto& f : stack)
    out.push_back({{"function", f.function}, {"file", f.file}, {"line", f.line}});
  return out;
}

// Names come from user code: bad UTF-8 is replaced rather than thrown on.
std::string text(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string tasks_json(const snapshot& s) { return text(document(s)); }

std::string tasks_json(const snapshot& s, const task_dump& dump) {
  json j = document(s);
  std::unordered_map<std::uint64_t, const dumped_task*> by_id;
  for (const auto& t : dump.tasks) by_id.emplace(t.id, &t);
  for (json& t : j["tasks"]) {
    const auto it = by_id.find(t["id"].get<std::uint64_t>());
    t["async_stack"] = frames(it == by_id.end() ? std::vector<async_frame>{} : it->second->async_stack);
    t["async_stack_cut"] = it != by_id.end() && it->second->async_stack_cut;
    if (it != by_id.end() && it->second->awaiting) {
      const awaited_site& a = *it->second->awaiting;
      t["awaiting"] = {{"site", a.name}, {"file", a.file}, {"line", a.line}, {"waited_ns", a.waited.count()}};
    }
  }
  return text(j);
}

}  // namespace coroscope
