// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/profile.hpp>
#include <coroscope/snapshot.hpp>

#include <chrono>

namespace coroscope::test {

/// A small CPU profile: two stacks under a task frame, with labels.
inline cpu_profile small_profile() {
  cpu_profile p;
  p.period_ns = 10'101'010;
  p.start_ns = 1'700'000'000'000'000'000ull;
  p.duration_ns = 10'000'000'000ull;
  frame task;
  task.function = "task:accept-loop";
  task.is_task_frame = true;
  frame main_frame;
  main_frame.function = "main";
  frame parse;
  parse.function = "parse_request";
  parse.file = "server.cpp";
  parse.line = 42;
  frame write;
  write.function = "write_reply";
  sample a;
  a.stack = p.add_frames({parse, task, main_frame});
  a.count = 3;
  a.cpu_ns = 3 * p.period_ns;
  a.labels = {{"task", "accept-loop"}, {"task_id", "7"}};
  sample b;
  b.stack = p.add_frames({write, task, main_frame});
  b.count = 2;
  b.cpu_ns = 2 * p.period_ns;
  p.samples = {a, b};
  return p;
}

/// A snapshot with two workers, three tasks, one await site with awkward characters.
inline snapshot small_snapshot() {
  using namespace std::chrono_literals;
  snapshot s;
  s.service_name = "check\"out";
  s.uptime = 12s;
  s.tasks_spawned = 10;
  s.tasks_completed = 7;
  s.live_tasks = 3;
  s.dropped_events = 5;
  s.untracked_spawns = 1;
  s.dropped_cpu_samples = 4;
  s.self.polls = 1020;
  s.self.events = 300;
  s.self.event_cost = std::chrono::nanoseconds(20);
  s.self.ns_per_poll = 45.5;
  s.self.collector_cpu = 40ms;
  s.self.sampler_cpu = 20ms;
  s.self.cpu_ratio = 0.005;
  s.self.ring_bytes = 786432;
  s.self.table_bytes = 65536;
  s.self.recorder_lost_events = 900;
  s.self.recorder_lost_samples = 3;
  worker_info w0;
  w0.index = 0;
  w0.polls = 1000;
  w0.busy = 250ms;
  w0.busy_ratio = 0.25;
  w0.parks = 40;
  w0.park_time = 1500ms;
  w0.noop_unparks = 3;
  w0.steals = 2;
  w0.remote_schedules = 9;
  worker_info w1 = w0;
  w1.index = 1;
  w1.polls = 20;
  w1.busy_ratio = 0.5;
  s.workers = {w0, w1};
  task_info t1;
  t1.id = 1;
  t1.name = "accept-loop";
  t1.state = task_state::idle;
  t1.polls = 100;
  t1.slow_polls = 2;
  task_info t2;
  t2.id = 2;
  t2.parent_id = 1;
  t2.name = "conn \"7\"\nnext";
  t2.state = task_state::running;
  t2.slow_polls = 1;
  t2.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  t2.span_id = "00f067aa0ba902b7";
  task_info t3;
  t3.id = 3;
  t3.name = "done";
  t3.state = task_state::completed;
  s.tasks = {t1, t2, t3};
  await_site_info site;
  site.name = "db.query \"users\"\\x";
  site.file = "src/db.cpp";
  site.line = 17;
  site.count = 4;
  site.slow_count = 1;
  site.total = 2s;
  site.max = 1200ms;
  site.durations.count = 4;
  site.durations.p50 = 250ms;
  site.durations.p90 = 1s;
  site.durations.p95 = 1100ms;
  site.durations.p99 = 1200ms;
  s.await_sites = {site};
  warning_info warn;
  warn.lint = "long-poll";
  warn.task_id = 2;
  s.warnings = {warn, warn};
  return s;
}

/// Adds what the probe sees without annotations: operations of the first two tasks, two
/// kinds with their waits, the "(no task)" bucket, three resources (one closed).
inline void add_operations(snapshot& s) {
  using namespace std::chrono_literals;
  s.tasks.at(0).operations = {{"socket_accept", 3}, {"timer_wait", 1}};
  s.tasks.at(1).operations = {{"socket_read", 40}};
  operation_kind_info read;
  read.kind = "socket_read";
  read.count = 40;
  read.waits.count = 5;
  read.waits.p50 = 2ms;
  read.waits.p90 = 8ms;
  read.waits.p99 = 250ms;
  operation_kind_info accept;
  accept.kind = "socket_accept";
  accept.count = 3;
  accept.waits.count = 3;
  accept.waits.p50 = 1s;
  s.operation_kinds = {read, accept};
  s.no_task.polls = 12;
  s.no_task.busy = 1500ms;
  resource_info socket;
  socket.id = 1;
  socket.kind = "socket";
  socket.native_handle = 7;
  socket.timed_operations = 5;
  socket.waits = read.waits;
  socket.last_task_id = 2;
  socket.last_task_name = "conn \"7\"\nnext";
  resource_info closed = socket;
  closed.id = 2;
  closed.native_handle = 8;
  closed.closed = true;
  resource_info timer;
  timer.id = 3;
  timer.kind = "timer";
  s.resources = {socket, closed, timer};
  s.dropped_resources = 4;
}

}  // namespace coroscope::test
