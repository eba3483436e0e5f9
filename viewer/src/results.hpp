// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QMetaType>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "coroscope/console_state.hpp"
#include "coroscope/console_types.hpp"

namespace coroscope::viewer {

using TimePoint = std::chrono::system_clock::time_point;

/// One row of the tasks view: a task the probe reports, or a completed task the viewer
/// keeps for a while after the probe retired it.
struct TaskRow {
  task_info info;
  int warnings = 0;          ///< lint instances naming this task
  bool retained = false;     ///< no longer reported by the probe; kept by the viewer
  TimePoint completedAt{};   ///< probe time of the first update that showed it completed
  bool isCompleted() const { return info.state == task_state::completed; }
};

/// One worker with its busy ratio per publish interval, oldest first.
struct WorkerRow {
  worker_info info;
  std::vector<double> busyHistory;
};

/// One line of the slow-await log: a site whose slow count grew in an update.
struct SlowAwaitEntry {
  TimePoint time{};
  std::string site;
  std::string location;      ///< file name (no directories):line
  std::uint64_t newSlow = 0; ///< slow awaits since the previous update
  std::uint64_t slowTotal = 0;
  std::chrono::nanoseconds max{0};
};

/// Everything the views show at one moment: an immutable value built on the backend
/// thread and handed to the GUI thread, which only reads it.
struct Results {
  console_identity identity;
  std::uint64_t sequence = 0;
  TimePoint time{};
  std::chrono::nanoseconds uptime{0};
  console_counts counts;
  std::vector<TaskRow> tasks;  ///< by id, retained completed tasks included
  std::vector<WorkerRow> workers;
  std::vector<await_site_info> awaitSites;
  std::vector<warning_info> warnings;
  std::vector<SlowAwaitEntry> slowAwaits;       ///< oldest first, bounded
  std::vector<cpu_stack_sample> cpuSamples;     ///< of the last few updates
  /// The probe's latest heap view (top live sites, leak suspects); null while heap
  /// sampling is off. Shared between successive results until the probe sends a new one.
  std::shared_ptr<const heap_view> heap;
  /// Handlers that ran outside any task.
  no_task_info noTask;
  /// Asynchronous operations by kind, as the probe orders them (most started first).
  std::vector<operation_kind_info> operationKinds;
  /// I/O objects the probe saw operations on, by id. Their `waits` hold count, p50, p99
  /// and max only.
  std::vector<resource_info> resources;
  /// coroscope's own cost, as of the last update (the status bar shows it).
  self_cost self;
  int running = 0, scheduled = 0, idle = 0, completed = 0;

  /// Index into `tasks` of task `id`, or -1.
  int taskIndex(std::uint64_t id) const;
};

using ResultsPtr = std::shared_ptr<const Results>;
using TaskDetailsPtr = std::shared_ptr<const task_details>;

}  // namespace coroscope::viewer

Q_DECLARE_METATYPE(coroscope::viewer::ResultsPtr)
Q_DECLARE_METATYPE(coroscope::viewer::TaskDetailsPtr)
