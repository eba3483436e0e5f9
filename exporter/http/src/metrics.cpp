// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/metrics.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <initializer_list>
#include <map>
#include <string_view>
#include <utility>

namespace coroscope {
namespace {

using label = std::pair<std::string_view, std::string_view>;

double seconds(nanoseconds d) { return std::chrono::duration<double>(d).count(); }

/// Appends families and samples in the text exposition format 0.0.4.
class prom_writer {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    for (char c : help) {  // HELP escapes only backslash and newline
      if (c == '\\') out_ += "\\\\";
      else if (c == '\n') out_ += "\\n";
      else out_ += c;
    }
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  void sample(std::string_view name, std::initializer_list<label> labels, double value) {
    begin(name, labels);
    if (std::isnan(value)) out_ += "NaN";
    else if (std::isinf(value)) out_ += value > 0 ? "+Inf" : "-Inf";
    else {
      std::array<char, 32> buf{};
      auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
      out_.append(buf.data(), ec == std::errc{} ? end : buf.data());
    }
    out_ += '\n';
  }

  void sample(std::string_view name, std::initializer_list<label> labels, std::uint64_t value) {
    begin(name, labels);
    out_ += std::to_string(value);
    out_ += '\n';
  }

  std::string take() { return std::move(out_); }

 private:
  void begin(std::string_view name, std::initializer_list<label> labels) {
    out_ += name;
    if (labels.size() == 0) {
      out_ += ' ';
      return;
    }
    out_ += '{';
    bool first = true;
    for (const auto& [key, value] : labels) {
      if (!first) out_ += ',';
      first = false;
      out_ += key;
      out_ += "=\"";
      for (char c : value) {  // label values escape backslash, quote and newline
        if (c == '\\') out_ += "\\\\";
        else if (c == '"') out_ += "\\\"";
        else if (c == '\n') out_ += "\\n";
        else out_ += c;
      }
      out_ += '"';
    }
    out_ += "} ";
  }

  std::string out_;
};

void worker_metrics(prom_writer& w, const snapshot& s) {
  std::vector<std::string> ids;
  ids.reserve(s.workers.size());
  for (const auto& wk : s.workers) ids.push_back(std::to_string(wk.index));

  auto per_worker = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
    w.family(name, type, help);
    for (std::size_t i = 0; i < s.workers.size(); ++i)
      w.sample(name, {{"worker", ids[i]}}, value(s.workers[i]));
  };
  using wi = const worker_info&;
  per_worker("coroscope_worker_busy_ratio", "gauge", "Share of the worker's running time spent polling tasks.",
             [](wi x) { return x.busy_ratio; });
  per_worker("coroscope_worker_busy_seconds_total", "counter", "Time the worker spent polling tasks.",
             [](wi x) { return seconds(x.busy); });
  per_worker("coroscope_worker_polls_total", "counter", "Task polls run by the worker.",
             [](wi x) { return x.polls; });
  per_worker("coroscope_worker_parks_total", "counter", "Times the worker blocked waiting for work.",
             [](wi x) { return x.parks; });
  per_worker("coroscope_worker_park_seconds_total", "counter", "Time the worker spent parked.",
             [](wi x) { return seconds(x.park_time); });
  per_worker("coroscope_worker_noop_unparks_total", "counter",
             "Times the worker woke and parked again without polling.", [](wi x) { return x.noop_unparks; });
  per_worker("coroscope_worker_steals_total", "counter",
             "Work queued by another worker and run by this one.", [](wi x) { return x.steals; });
  per_worker("coroscope_worker_remote_schedules_total", "counter",
             "Work queued to the worker from threads that are not workers.",
             [](wi x) { return x.remote_schedules; });
}

void task_metrics(prom_writer& w, const snapshot& s) {
  w.family("coroscope_tasks_live", "gauge", "Tasks spawned and not yet completed.");
  w.sample("coroscope_tasks_live", {}, s.live_tasks);
  w.family("coroscope_tasks_spawned_total", "counter", "Tasks spawned since the probe started.");
  w.sample("coroscope_tasks_spawned_total", {}, s.tasks_spawned);
  w.family("coroscope_tasks_completed_total", "counter", "Tasks completed since the probe started.");
  w.sample("coroscope_tasks_completed_total", {}, s.tasks_completed);

  std::array<std::uint64_t, 4> by_state{};
  std::uint64_t slow_polls = 0;
  for (const auto& t : s.tasks) {
    auto i = static_cast<std::size_t>(t.state);
    if (i < by_state.size()) ++by_state[i];
    slow_polls += t.slow_polls;
  }
  w.family("coroscope_tasks", "gauge",
           "Tasks in the snapshot (live ones and retained completed ones) by state.");
  for (auto st : {task_state::running, task_state::scheduled, task_state::idle, task_state::completed})
    w.sample("coroscope_tasks", {{"state", to_string(st)}}, by_state[static_cast<std::size_t>(st)]);
  w.family("coroscope_task_slow_polls", "gauge",
           "Polls over the slow-poll threshold, summed over the tasks in the snapshot.");
  w.sample("coroscope_task_slow_polls", {}, slow_polls);

  std::map<std::string, std::uint64_t> lints;
  for (const auto& wr : s.warnings) lints[wr.lint] += 1;
  w.family("coroscope_warnings", "gauge", "Warnings (lints) currently listed, by lint.");
  for (const auto& [lint, n] : lints) w.sample("coroscope_warnings", {{"lint", lint}}, n);

  w.family("coroscope_dropped_events_total", "counter", "Probe events lost to full rings.");
  w.sample("coroscope_dropped_events_total", {}, s.dropped_events);
  w.family("coroscope_untracked_spawns_total", "counter",
           "Executors handed out untracked because the task pool was exhausted.");
  w.sample("coroscope_untracked_spawns_total", {}, s.untracked_spawns);
  w.family("coroscope_dropped_warnings_total", "counter", "Warnings not listed because the list was full.");
  w.sample("coroscope_dropped_warnings_total", {}, s.dropped_warnings);
}

void await_site_metrics(prom_writer& w, const snapshot& s) {
  std::vector<std::string> lines;
  lines.reserve(s.await_sites.size());
  for (const auto& a : s.await_sites) lines.push_back(std::to_string(a.line));

  constexpr std::string_view summary = "coroscope_await_duration_seconds";
  w.family(summary, "summary", "Duration of timed awaits (TIMED_AWAIT) by site.");
  for (std::size_t i = 0; i < s.await_sites.size(); ++i) {
    const auto& a = s.await_sites[i];
    const auto& h = a.durations;
    const std::pair<std::string_view, nanoseconds> quantiles[] = {
        {"0.5", h.p50}, {"0.9", h.p90}, {"0.95", h.p95}, {"0.99", h.p99}};
    for (const auto& [q, v] : quantiles)
      w.sample(summary, {{"site", a.name}, {"file", a.file}, {"line", lines[i]}, {"quantile", q}}, seconds(v));
    w.sample("coroscope_await_duration_seconds_sum", {{"site", a.name}, {"file", a.file}, {"line", lines[i]}},
             seconds(a.total));
    w.sample("coroscope_await_duration_seconds_count", {{"site", a.name}, {"file", a.file}, {"line", lines[i]}},
             a.count);
  }
  w.family("coroscope_await_slow_total", "counter", "Timed awaits over the slow-await threshold by site.");
  for (std::size_t i = 0; i < s.await_sites.size(); ++i) {
    const auto& a = s.await_sites[i];
    w.sample("coroscope_await_slow_total", {{"site", a.name}, {"file", a.file}, {"line", lines[i]}}, a.slow_count);
  }
  w.family("coroscope_await_max_seconds", "gauge", "Longest timed await by site.");
  for (std::size_t i = 0; i < s.await_sites.size(); ++i) {
    const auto& a = s.await_sites[i];
    w.sample("coroscope_await_max_seconds", {{"site", a.name}, {"file", a.file}, {"line", lines[i]}}, seconds(a.max));
  }
}

/// Operations without annotations, the "(no task)" bucket and the resources. Labels are
/// bounded: `kind` takes the probe's dozen operation kinds (or its eight resource kinds),
/// `state` open or closed; nothing per task or per resource.
void operation_metrics(prom_writer& w, const snapshot& s) {
  w.family("coroscope_operations_total", "counter",
           "Asynchronous operations started, by kind (by tasks, and by workers outside any task).");
  for (const auto& k : s.operation_kinds) w.sample("coroscope_operations_total", {{"kind", k.kind}}, k.count);

  // The waits are a timed sample (outside tasks too): _count is how many were timed.
  constexpr std::string_view waits = "coroscope_operation_wait_seconds";
  w.family(waits, "summary",
           "Wait of timed asynchronous operations from start to completion, by kind.");
  for (const auto& k : s.operation_kinds) {
    const std::pair<std::string_view, nanoseconds> quantiles[] = {
        {"0.5", k.waits.p50}, {"0.9", k.waits.p90}, {"0.99", k.waits.p99}};
    for (const auto& [q, v] : quantiles) w.sample(waits, {{"kind", k.kind}, {"quantile", q}}, seconds(v));
    w.sample("coroscope_operation_wait_seconds_count", {{"kind", k.kind}}, k.waits.count);
  }

  w.family("coroscope_no_task_polls_total", "counter",
           "Handlers that ran outside any task (callbacks of operations no task started).");
  w.sample("coroscope_no_task_polls_total", {}, s.no_task.polls);
  w.family("coroscope_no_task_busy_seconds_total", "counter", "Time spent in handlers outside any task.");
  w.sample("coroscope_no_task_busy_seconds_total", {}, seconds(s.no_task.busy));

  std::map<std::pair<std::string, bool>, std::uint64_t> resources;
  for (const auto& r : s.resources) ++resources[{r.kind, r.closed}];
  w.family("coroscope_resources", "gauge",
           "I/O objects (sockets, timers, ...) the probe keeps, by kind and state.");
  for (const auto& [key, n] : resources)
    w.sample("coroscope_resources", {{"kind", key.first}, {"state", key.second ? "closed" : "open"}}, n);
  w.family("coroscope_dropped_resources_total", "counter",
           "Resources forgotten to keep the probe's resource table bounded.");
  w.sample("coroscope_dropped_resources_total", {}, s.dropped_resources);
}

/// coroscope's own cost (snapshot::self; docs/SELF_COST.md). Labels take a fixed few
/// values: `part` rings, recorder or tables; `thread` collector or sampler.
void self_metrics(prom_writer& w, const snapshot& s) {
  const self_cost& c = s.self;
  w.family("coroscope_self_polls_total", "counter", "Polls the probe recorded.");
  w.sample("coroscope_self_polls_total", {}, c.polls);
  w.family("coroscope_self_events_total", "counter", "Events the collector applied for this probe.");
  w.sample("coroscope_self_events_total", {}, c.events);
  w.family("coroscope_self_poll_cost_seconds", "gauge",
           "coroscope's CPU per recorded poll: collector CPU plus events times their calibrated "
           "hot-path cost, over polls.");
  w.sample("coroscope_self_poll_cost_seconds", {}, c.ns_per_poll * 1e-9);
  w.family("coroscope_self_event_cost_seconds", "gauge",
           "Hot-path cost of writing one event (clock reads, record, ring push), calibrated.");
  w.sample("coroscope_self_event_cost_seconds", {}, seconds(c.event_cost));
  w.family("coroscope_self_cpu_seconds_total", "counter",
           "CPU used by coroscope's collector thread and CPU sampler since the probe started.");
  w.sample("coroscope_self_cpu_seconds_total", {{"thread", "collector"}}, seconds(c.collector_cpu));
  w.sample("coroscope_self_cpu_seconds_total", {{"thread", "sampler"}}, seconds(c.sampler_cpu));
  w.family("coroscope_self_cpu_ratio", "gauge",
           "Share of one CPU the collector and the sampler used since the probe started.");
  w.sample("coroscope_self_cpu_ratio", {}, c.cpu_ratio);
  w.family("coroscope_self_memory_bytes", "gauge",
           "Memory coroscope holds: event and sample rings, the flight recorder, tables.");
  w.sample("coroscope_self_memory_bytes", {{"part", "rings"}}, c.ring_bytes);
  w.sample("coroscope_self_memory_bytes", {{"part", "recorder"}}, c.recorder_bytes);
  w.sample("coroscope_self_memory_bytes", {{"part", "tables"}}, c.table_bytes);
  w.family("coroscope_self_dropped_cpu_samples_total", "counter",
           "CPU samples lost: full sampler rings, unregistered threads, full profile windows.");
  w.sample("coroscope_self_dropped_cpu_samples_total", {}, s.dropped_cpu_samples);
  w.family("coroscope_self_recorder_lost_total", "counter",
           "What the flight recorder lost from inside its time window to its own bounds: "
           "events and CPU samples.");
  w.sample("coroscope_self_recorder_lost_total", {{"what", "events"}}, c.recorder_lost_events);
  w.sample("coroscope_self_recorder_lost_total", {{"what", "cpu_samples"}}, c.recorder_lost_samples);
}

}  // namespace

std::string prometheus_text(const snapshot& s, const process_stats& process) {
  prom_writer w;
  w.family("coroscope_info", "gauge", "The profiled service; always 1.");
  w.sample("coroscope_info", {{"service", s.service_name}}, std::uint64_t{1});
  w.family("coroscope_uptime_seconds", "gauge", "Time since the probe started.");
  w.sample("coroscope_uptime_seconds", {}, seconds(s.uptime));
  worker_metrics(w, s);
  task_metrics(w, s);
  await_site_metrics(w, s);
  operation_metrics(w, s);
  self_metrics(w, s);
  if (process.valid) {
    w.family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
    w.sample("process_cpu_seconds_total", {}, process.cpu_seconds);
    w.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    w.sample("process_resident_memory_bytes", {}, process.resident_bytes);
    w.family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
    w.sample("process_virtual_memory_bytes", {}, process.virtual_bytes);
  }
  return w.take();
}

}  // namespace coroscope
