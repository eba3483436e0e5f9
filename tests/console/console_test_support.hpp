// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Shared pieces of the console tests: a scripted console_source and a condition wait.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "coroscope/console_server.hpp"
#include "eventually.hpp"

namespace coroscope::test {

/// A console_source without a probe: two tasks whose poll and operation counts grow with
/// every snapshot (so every publish tick has a delta), one worker, one await site, the
/// "(no task)" bucket, one operation kind and three resources: a socket whose timed
/// operations grow, a timer that never changes, and one that each snapshot replaces.
struct fake_source {
  std::atomic<std::uint64_t> snapshots{0};

  console_source make() {
    console_source s;
    s.identity = [] {
      console_identity id;
      id.service_name = "fake-service";
      id.pid = 4242;
      id.host = "test-host";
      id.probe_id = 7;
      id.instance_id = "0123456789abcdef";
      return id;
    };
    s.snapshot = [this] {
      const auto n = ++snapshots;
      coroscope::snapshot snap;
      snap.service_name = "fake-service";
      for (std::uint64_t id : {1, 2}) {
        task_info t;
        t.id = id;
        t.name = id == 1 ? "accept-loop" : "session";
        t.parent_id = id - 1;
        t.polls = n * id;
        t.state = task_state::idle;
        t.operations = {{"socket_read", n * id}, {"timer_wait", id}};
        snap.tasks.push_back(t);
      }
      snap.no_task = {n, std::chrono::microseconds(n)};
      operation_kind_info reads{"socket_read", 3 * n, {}};
      reads.waits.count = n;
      reads.waits.p50 = std::chrono::microseconds(n);
      reads.waits.p99 = std::chrono::microseconds(10 * n);
      snap.operation_kinds = {reads, {"timer_wait", 3, {}}};
      resource_info socket;
      socket.id = 1;
      socket.kind = "socket";
      socket.native_handle = 7;
      socket.timed_operations = n;
      socket.waits = reads.waits;
      socket.last_task_id = 2;
      socket.last_task_name = "session";
      resource_info timer;
      timer.id = 2;
      timer.kind = "timer";
      timer.timed_operations = 1;
      resource_info latest;
      latest.id = 100 + n;
      latest.kind = "executor";
      latest.closed = n % 2 == 0;
      snap.resources = {latest, socket, timer};
      snap.dropped_resources = n;
      worker_info w;
      w.polls = n;
      snap.workers.push_back(w);
      await_site_info a;
      a.name = "db.query";
      a.count = n;
      snap.await_sites.push_back(a);
      snap.tasks_spawned = 2;
      snap.live_tasks = 2;
      return snap;
    };
    s.task_details = [](std::uint64_t id) -> std::optional<task_details> {
      if (id != 1) return std::nullopt;
      task_details d;
      d.task.id = 1;
      d.task.name = "accept-loop";
      d.task.poll_times.count = 3;
      d.task.poll_times.p50 = std::chrono::microseconds(5);
      d.async_stack.push_back({"accept_loop()", "server.cpp", 12});
      d.async_stack_cut = true;
      return d;
    };
    return s;
  }
};

}  // namespace coroscope::test
