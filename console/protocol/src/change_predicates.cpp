// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/console/change_predicates.hpp"

#include <algorithm>
#include <tuple>

namespace coroscope::console::detail {

bool stats_differ(const task_info& a, const task_info& b) {
  const auto same_operations = [](const std::vector<operation_count>& x,
                                  const std::vector<operation_count>& y) {
    return std::equal(x.begin(), x.end(), y.begin(), y.end(),
                      [](const operation_count& p, const operation_count& q) {
                        return p.count == q.count && p.kind == q.kind;
                      });
  };
  return std::tie(a.state, a.polls, a.total, a.busy, a.scheduled, a.idle, a.first_poll_delay,
                  a.slow_polls, a.wakes, a.self_wakes, a.migrations, a.failed, a.trace_id,
                  a.span_id, a.poll_times.p50, a.poll_times.p99) !=
             std::tie(b.state, b.polls, b.total, b.busy, b.scheduled, b.idle, b.first_poll_delay,
                      b.slow_polls, b.wakes, b.self_wakes, b.migrations, b.failed, b.trace_id,
                      b.span_id, b.poll_times.p50, b.poll_times.p99) ||
         !same_operations(a.operations, b.operations);
}

bool resource_differs(const resource_info& a, const resource_info& b) {
  return std::tie(a.kind, a.native_handle, a.closed, a.timed_operations, a.waits.p50, a.waits.p99,
                  a.waits.max, a.last_task_id, a.last_task_name) !=
         std::tie(b.kind, b.native_handle, b.closed, b.timed_operations, b.waits.p50, b.waits.p99,
                  b.waits.max, b.last_task_id, b.last_task_name);
}

bool site_differs(const await_site_info& a, const await_site_info& b) {
  return std::tie(a.count, a.slow_count, a.total, a.max) !=
         std::tie(b.count, b.slow_count, b.total, b.max);
}

bool warnings_differ(const std::vector<warning_info>& a, const std::vector<warning_info>& b) {
  return !std::equal(a.begin(), a.end(), b.begin(), b.end(),
                     [](const warning_info& x, const warning_info& y) {
                       return std::tie(x.lint, x.task_id, x.occurrences, x.message, x.trace_id) ==
                              std::tie(y.lint, y.task_id, y.occurrences, y.message, y.trace_id);
                     });
}

}  // namespace coroscope::console::detail
