// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/profile.hpp>
#include <coroscope/profile_view.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

/// The hotspot report of a CPU profile: hot functions (flat and cumulative, like
/// `go tool pprof -top`) and hot tasks, with a percent threshold.
namespace coroscope {

/// What `top_report` keeps and how `format_top` prints it.
struct top_options {
  /// Rows under this percent of the total are hidden: functions by their cum%, tasks by
  /// their share.
  double percent_threshold = 0.5;
  /// At most this many rows per table; 0 for no limit.
  std::size_t limit = 20;
  /// Which sample value is added up.
  sample_weight weight = sample_weight::count;
  /// The sample label that names a sample's task.
  std::string task_label = "task";
  /// `format_top` prints only the tasks table.
  bool tasks_only = false;
  /// How functions are named: short (the default; functions whose full names differ only
  /// in what the short form leaves out, e.g. overloads, are one row) or full signatures.
  name_style names = name_style::short_names;
};

/// A function in the report. Functions are keyed by their display name (`display_name` in
/// `top_options::names`); task frames are not functions and are left out (the tasks
/// table covers them).
struct function_row {
  std::string name;
  /// Weight of the samples whose leaf frame is this function (self).
  std::int64_t flat = 0;
  /// Weight of the samples with this function anywhere on the stack, once per sample
  /// however often it recurs.
  std::int64_t cum = 0;
  double flat_percent = 0;
  double cum_percent = 0;
};

/// A task in the report: samples grouped by the task label; `(no task)` for samples
/// without one.
struct task_row {
  std::string task;
  std::int64_t value = 0;
  double percent = 0;
};

/// The result of `top_report`.
struct top_result {
  sample_weight weight = sample_weight::count;
  /// Total weight of all samples (the 100%).
  std::int64_t total = 0;
  /// By flat descending, then cum descending, then name; threshold and limit applied.
  std::vector<function_row> functions;
  /// By value descending, then name; threshold and limit applied.
  std::vector<task_row> tasks;
  /// Rows left out by the threshold or the limit.
  std::size_t hidden_functions = 0;
  std::size_t hidden_tasks = 0;
};

/// The name of the task pseudo-row for samples without a task label.
inline constexpr const char* no_task_name = "(no task)";

/// Hot functions and hot tasks of `profile`.
top_result top_report(const cpu_profile& profile, const top_options& options = {});

/// Text tables in the manner of `go tool pprof -top` (`flat flat% sum% cum cum%`), then
/// the hot tasks. Counts print as integers, CPU time in s/ms/us.
std::string format_top(const top_result& result, const top_options& options = {});

}  // namespace coroscope
