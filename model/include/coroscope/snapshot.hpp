// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace coroscope {

using std::chrono::nanoseconds;

/// Where a task was spawned.
struct code_location {
  std::string file;
  std::uint32_t line = 0;
  std::string function;
};

/// A distribution in bounded memory (log-linear buckets, about 19% wide), with percentiles.
struct duration_histogram {
  std::uint64_t count = 0;
  nanoseconds min{0}, max{0};
  nanoseconds p10{0}, p25{0}, p50{0}, p75{0}, p90{0}, p95{0}, p99{0};
};

enum class task_state { running, scheduled, idle, completed };

/// Asynchronous operations of one kind that a task started (socket_read, timer_wait, post,
/// ...; see docs/ARCHITECTURE.md for the kinds).
struct operation_count {
  std::string kind;
  std::uint64_t count = 0;
};
const char* to_string(task_state s) noexcept;

/// One task as the collector sees it. Durations are wall time.
struct task_info {
  std::uint64_t id = 0;
  std::uint64_t parent_id = 0;  ///< 0: spawned outside any task
  std::string name;
  task_state state = task_state::idle;
  std::uint64_t polls = 0;
  nanoseconds total{0};      ///< spawn to now (or to completion)
  nanoseconds busy{0};       ///< sum of poll self times
  nanoseconds scheduled{0};  ///< sum of wake-to-poll delays
  nanoseconds idle{0};       ///< total - busy - scheduled
  nanoseconds first_poll_delay{0};
  std::uint64_t slow_polls = 0;
  std::uint64_t wakes = 0;
  std::uint64_t self_wakes = 0;
  std::uint64_t migrations = 0;
  bool failed = false;  ///< ended with an exception (known for coroscope::co_spawn)
  code_location spawn_location;
  duration_histogram poll_times;
  duration_histogram scheduled_times;
  std::string trace_id;  ///< 32 hex digits, empty when the task has no trace context
  std::string span_id;   ///< 16 hex digits
  std::vector<operation_count> operations;  ///< operations it started, by kind
};

/// Asynchronous operations of one kind, over the probe's life: how many tasks started, and
/// how long they waited from start to completion (a random sample of them, timed).
struct operation_kind_info {
  std::string kind;
  std::uint64_t count = 0;  ///< exact: by tasks, and by workers outside any task
  duration_histogram waits;
};

/// An I/O object operations ran on (a socket, a timer, a signal set, an executor for
/// posts), as the timed operations on it saw it.
struct resource_info {
  std::uint64_t id = 0;      ///< this probe's, in order of discovery
  std::string kind;          ///< socket, timer, descriptor, signal_set, resolver, channel, executor
  std::int64_t native_handle = -1;  ///< the descriptor, for sockets and descriptors
  bool closed = false;
  std::uint64_t timed_operations = 0;  ///< how many of its operations were timed
  duration_histogram waits;            ///< their waits, start to completion
  std::uint64_t last_task_id = 0;      ///< the task of the latest of them (0: none)
  std::string last_task_name;
};

/// Handlers that ran outside any task: callbacks whose operation was started by code that
/// is not a task (main(), a plain thread), with no coroutine to attribute them to.
struct no_task_info {
  std::uint64_t polls = 0;
  nanoseconds busy{0};
};

/// One thread that runs the io_context (`probe::run`'s, or any thread calling run, poll,
/// run_one, ... on it).
struct worker_info {
  unsigned index = 0;
  std::uint64_t polls = 0;
  nanoseconds busy{0};
  nanoseconds elapsed{0};  ///< time the worker has been running
  double busy_ratio = 0;   ///< busy / elapsed
  std::uint64_t parks = 0;
  nanoseconds park_time{0};
  std::uint64_t noop_unparks = 0;
  std::uint64_t steals = 0;
  std::uint64_t remote_schedules = 0;
  std::uint64_t migrations = 0;
  bool running = false;
};

/// One `TIMED_AWAIT` site.
struct await_site_info {
  std::string name;
  std::string file;
  std::uint32_t line = 0;
  std::uint64_t count = 0;
  std::uint64_t slow_count = 0;
  nanoseconds total{0};
  nanoseconds max{0};
  duration_histogram durations;
};

/// A lint instance: which rule fired, on which task, and why.
struct warning_info {
  std::string lint;  ///< long-poll, never-yielded, self-wakes, stuck, blocking-call-in-task, slow-await
  std::uint64_t task_id = 0;
  std::string task_name;
  std::string message;
  std::uint64_t occurrences = 0;
  std::string trace_id;  ///< the task's trace context when it fired, if any
  std::string span_id;
};

/// coroscope's own cost while this probe has existed: what the probe costs the program it
/// watches, measured by the probe itself (docs/SELF_COST.md says how each figure is
/// measured and what it leaves out). The losses are the snapshot's `dropped_events` and
/// `dropped_cpu_samples`.
struct self_cost {
  std::uint64_t polls = 0;   ///< polls recorded (every worker's, "(no task)" included)
  std::uint64_t events = 0;  ///< events the collector applied to this probe
  /// Hot-path cost of writing one event into a ring (two clock reads, the record, the
  /// push), calibrated once per process.
  nanoseconds event_cost{0};
  /// CPU per recorded poll: (`collector_cpu` + `events` x `event_cost`) / `polls`.
  double ns_per_poll = 0;
  nanoseconds collector_cpu{0};  ///< CPU of the collector thread while the probe existed
  /// CPU of the CPU sampler while the probe existed: its signal handlers (samples x their
  /// measured mean cost) and the thread that drains its rings.
  nanoseconds sampler_cpu{0};
  /// (`collector_cpu` + `sampler_cpu`) / uptime: the share of one CPU coroscope's own
  /// threads and handlers used.
  double cpu_ratio = 0;
  std::uint64_t ring_bytes = 0;      ///< event rings and CPU sample rings held now
  std::uint64_t recorder_bytes = 0;  ///< the flight recorder's window (0: off)
  /// What the flight recorder lost from its window while still inside its time bound:
  /// events its byte bound evicted (and timed awaits it could not keep pending, at most
  /// 4096 at once), and CPU samples its store's bounds evicted. Ring drops are not here:
  /// they are `dropped_events` and `dropped_cpu_samples`.
  std::uint64_t recorder_lost_events = 0;
  std::uint64_t recorder_lost_samples = 0;
  /// Task record pool and this probe's aggregator tables (tasks, sites, resources,
  /// warnings, pending operations): an estimate from their sizes.
  std::uint64_t table_bytes = 0;
};

/// Everything a probe knows at one moment. Plain values: safe to keep and copy.
struct snapshot {
  std::string service_name;
  nanoseconds uptime{0};
  std::vector<task_info> tasks;  ///< live tasks, then retained completed ones; by id
  std::vector<worker_info> workers;
  std::vector<await_site_info> await_sites;
  std::vector<warning_info> warnings;
  no_task_info no_task;
  std::vector<operation_kind_info> operation_kinds;  ///< by kind, most started first
  std::vector<resource_info> resources;  ///< most recently active first; at most 4096
  std::uint64_t dropped_resources = 0;   ///< forgotten to stay within the bound
  std::uint64_t tasks_spawned = 0;
  std::uint64_t tasks_completed = 0;
  std::uint64_t live_tasks = 0;
  std::uint64_t dropped_events = 0;    ///< events lost to full rings while the probe existed
  std::uint64_t untracked_spawns = 0;  ///< coroutines not tracked (pool exhausted)
  std::uint64_t dropped_warnings = 0;  ///< warnings not listed: the list is capped at 1000
  /// CPU samples lost while the probe existed: full sampler rings, signals on unregistered
  /// threads, profile windows at their distinct-stack bound.
  std::uint64_t dropped_cpu_samples = 0;
  self_cost self;  ///< coroscope's own cost
};

/// Renders a tokio-console-like text report: tasks (with the "(no task)" bucket), workers,
/// operations by kind and per task, resources, await sites, warnings and the dropped-event
/// count. `max_tasks` limits the task table (busiest first), `max_resources` the resource
/// table (most timed operations first).
std::string format_summary(const snapshot& s, std::size_t max_tasks = 20,
                           std::size_t max_resources = 10);

}  // namespace coroscope
