// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coroscope/console_types.hpp"
#include "coroscope/timeline.hpp"
#include "coroscope/snapshot.hpp"

namespace coroscope {

/// Process-wide counts the probe reports with every update.
struct console_counts {
  std::uint64_t tasks_spawned = 0;
  std::uint64_t tasks_completed = 0;
  std::uint64_t live_tasks = 0;
  std::uint64_t dropped_events = 0;
  std::uint64_t untracked_spawns = 0;
  std::uint64_t dropped_warnings = 0;
  std::uint64_t dropped_cpu_samples = 0;
  std::uint64_t dropped_resources = 0;  ///< resources the probe forgot to stay bounded
};

/// Everything a console knows about one probe after merging its updates. A plain value:
/// the client hands out immutable shared copies, so readers never see it change.
struct console_state {
  /// Bounds kept whatever a peer sends (a probe stays within them): resources (the
  /// probe's own bound), operation kinds overall and per task.
  static constexpr std::size_t kMaxResources = 4096;
  static constexpr std::size_t kMaxOperationKinds = 64;

  console_identity identity;
  std::uint64_t sequence = 0;  ///< of the last applied update
  std::chrono::system_clock::time_point time{};  ///< when the probe published it
  std::chrono::nanoseconds uptime{0};
  std::map<std::uint64_t, task_info> tasks;  ///< by id
  std::vector<worker_info> workers;
  std::vector<await_site_info> await_sites;
  std::vector<warning_info> warnings;
  console_counts counts;
  std::vector<cpu_stack_sample> cpu_samples;  ///< of the last update only
  /// The latest heap view; nullopt while the probe sends none (heap sampling is off, or
  /// the first heap interval has not passed yet).
  std::optional<heap_view> heap;
  /// Handlers that ran outside any task.
  no_task_info no_task;
  /// Operations by kind (started by tasks; waits of a timed sample), as the probe orders them.
  std::vector<operation_kind_info> operation_kinds;
  /// I/O objects by id. A resource's `waits` holds only count, p50, p99 and max.
  std::map<std::uint64_t, resource_info> resources;
  /// coroscope's own cost, as of the last update.
  coroscope::self_cost self;

  /// What the last applied update did: replaced everything (`full`), or added, changed
  /// and removed these task ids.
  bool full = false;
  std::vector<std::uint64_t> added, changed, removed;
  bool heap_changed = false;  ///< the update replaced `heap`
};

/// Merges a stream of ServerMessage payloads (frames without their length) into a
/// `console_state`. Used by the client for live data and for replaying recordings.
/// Not thread-safe.
class console_state_builder {
 public:
  /// What one payload was.
  struct result {
    enum kind_t { hello, update, task_details, timeline, trace_written, error, out_of_sync, malformed } kind = malformed;
    std::string message;  ///< error text (error, out_of_sync, malformed)
    int error_code = 0;   ///< `coroscope.console.v1.Error.Code` for `error`
    std::optional<coroscope::task_details> details;
    /// For `timeline`: the probe's recorded window (a partial reply added to the window
    /// of the previous ones); null when it records none.
    std::shared_ptr<const coroscope::timeline> window;
    std::optional<coroscope::trace_written> trace;  ///< for `trace_written`
  };

  result apply(std::string_view payload);
  const console_state& state() const noexcept { return state_; }
  /// Forgets everything (a new connection).
  void reset() {
    state_ = {};
    synced_ = false;
    window_.reset();
  }

 private:
  console_state state_;
  bool synced_ = false;  ///< a full state has been applied
  std::shared_ptr<const coroscope::timeline> window_;  ///< the last timeline, merged
};

}  // namespace coroscope
