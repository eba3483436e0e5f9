// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/snapshot.hpp>
#include <coroscope/task_dump.hpp>

#include <cstdint>
#include <string>

/// A probe snapshot as Prometheus metrics and as JSON.
namespace coroscope {

/// What the process itself uses, from /proc/self.
struct process_stats {
  /// User plus system CPU time of the whole process, in seconds.
  double cpu_seconds = 0;
  /// Resident set size in bytes.
  std::uint64_t resident_bytes = 0;
  /// Virtual memory size in bytes.
  std::uint64_t virtual_bytes = 0;
  /// False when /proc could not be read (the numbers are then 0 and not exported).
  bool valid = false;
};

/// Reads /proc/self/stat (utime, stime) and /proc/self/statm (size, resident).
process_stats read_process_stats();

/// Renders the Prometheus text exposition format (version 0.0.4), every family with
/// `# HELP` and `# TYPE`, label values escaped:
/// - per worker (label `worker`): `coroscope_worker_busy_ratio`,
///   `coroscope_worker_busy_seconds_total`, `coroscope_worker_polls_total`,
///   `coroscope_worker_parks_total`, `coroscope_worker_park_seconds_total`,
///   `coroscope_worker_noop_unparks_total`, `coroscope_worker_steals_total`,
///   `coroscope_worker_remote_schedules_total`;
/// - tasks: `coroscope_tasks_live`, `coroscope_tasks_spawned_total`,
///   `coroscope_tasks_completed_total`, `coroscope_tasks{state}` (tasks in the snapshot by
///   state), `coroscope_task_slow_polls` (slow polls of the tasks in the snapshot);
/// - loss: `coroscope_dropped_events_total`, `coroscope_untracked_spawns_total`,
///   `coroscope_dropped_warnings_total`; `coroscope_warnings{lint}`;
/// - await sites (labels `site`, `file`, `line`): the summary
///   `coroscope_await_duration_seconds` (quantiles 0.5, 0.9, 0.95, 0.99, `_sum`,
///   `_count`), `coroscope_await_slow_total`, `coroscope_await_max_seconds`;
/// - operations without annotations (label `kind`: socket_read, timer_wait, post, ...):
///   `coroscope_operations_total` (started by tasks), the summary
///   `coroscope_operation_wait_seconds` (quantiles 0.5, 0.9, 0.99 and `_count` over the
///   timed sample of them; no `_sum`); handlers outside any task:
///   `coroscope_no_task_polls_total`, `coroscope_no_task_busy_seconds_total`; resources:
///   `coroscope_resources{kind,state}` (state open or closed),
///   `coroscope_dropped_resources_total`. Nothing per task or per resource, so the label
///   sets stay bounded;
/// - coroscope's own cost (snapshot::self): `coroscope_self_polls_total`,
///   `coroscope_self_events_total`, `coroscope_self_poll_cost_seconds`,
///   `coroscope_self_event_cost_seconds`, `coroscope_self_cpu_seconds_total{thread}`
///   (collector, sampler), `coroscope_self_cpu_ratio`, `coroscope_self_memory_bytes{part}`
///   (rings, recorder, tables), `coroscope_self_dropped_cpu_samples_total`;
/// - `coroscope_uptime_seconds`, `coroscope_info{service}`;
/// - when `process.valid`: `process_cpu_seconds_total`, `process_resident_memory_bytes`,
///   `process_virtual_memory_bytes` (the names Prometheus client libraries use).
std::string prometheus_text(const snapshot& s, const process_stats& process);

/// The JSON served at /debug/coroscope/tasks: `service_name`, `uptime_ns`, counters
/// (`dropped_resources` among them), `no_task` (`polls`, `busy_ns`), and arrays `tasks`
/// (each with its `operations`: `[{kind, count}]`), `workers`, `await_sites`, `warnings`,
/// `operation_kinds` (`kind`, `count`, `waits`) and `resources` (`id`, `kind`,
/// `native_handle`, `closed`, `timed_operations`, `waits`, `last_task_id`,
/// `last_task_name`) with every field of the snapshot (durations in nanoseconds, `state`
/// as text). Invalid UTF-8 in names is replaced, never an error.
std::string tasks_json(const snapshot& s);
/// The same with stacks (/debug/coroscope/tasks?stacks=1): each task gets `async_stack`,
/// `[{function, file, line}]` leaf first, from `dump` (empty for a task running, not
/// started or not in the dump), and `async_stack_cut` (the walk stopped short of it).
std::string tasks_json(const snapshot& s, const task_dump& dump);

}  // namespace coroscope
