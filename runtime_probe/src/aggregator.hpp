// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <chrono>
#include <ctime>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "coroscope/detail/event.hpp"
#include "coroscope/probe_options.hpp"
#include "coroscope/snapshot.hpp"
#include "histogram.hpp"

namespace coroscope::detail {

struct worker_slot;
struct task_record;

/// Aggregates for one probe. Fed events by the collector (which holds the lock for every
/// call), it keeps per-task, per-worker and per-await-site statistics and the warnings.
/// Memory is bounded: completed tasks are forgotten after the retention time or count, and
/// the warning list is capped. The aggregator releases the pool record of every task it
/// forgets; the collector makes sure it hears of every task's end (see collector).
class aggregator {
 public:
  /// `workers` points at the probe's `kMaxWorkers` published worker slots.
  aggregator(const resolved_options& options, const worker_slot* workers);
  ~aggregator();

  void apply(const event& e);
  /// Periodic checks that need no event: stuck tasks, polls still running, retention.
  void tick();
  snapshot build(std::uint64_t dropped, std::uint64_t untracked) const;
  std::chrono::nanoseconds collect_interval() const noexcept { return options_.collect_interval; }
  /// Returns every task slot this probe still holds to the pool (probe destruction).
  void release_all_slots();
  /// A task whose completion event was dropped (the collector took its record from the
  /// pool's unreported list). A task known here completes as usual; an unknown one (all
  /// its events dropped) is only counted, and its record released once nothing touches it.
  void on_unreported_end(task_record& r);

 private:
  struct task_stats {
    std::uint64_t id = 0;
    std::uint64_t parent_id = 0;
    std::uint32_t slot = 0;
    std::string name;
    coroscope::code_location location;
    std::uint64_t spawn_tick = 0;
    std::uint64_t first_poll_tick = 0;
    std::uint64_t last_poll_end_tick = 0;
    std::uint64_t completed_tick = 0;  // 0: live
    std::uint64_t polls = 0, busy = 0, scheduled = 0, slow_polls = 0;
    std::uint64_t wakes = 0, self_wakes = 0, migrations = 0;
    bool failed = false;
    bool has_trace = false;
    std::string trace_id, span_id;
    log_histogram poll_hist, sched_hist;
  };

  struct worker_stats {
    std::uint64_t polls = 0, busy = 0, parks = 0, park_ticks = 0, noop_unparks = 0;
    std::uint64_t steals = 0, remote = 0, migrations = 0;
    std::uint64_t start_tick = 0, stop_tick = 0;
    bool running = false;
    clockid_t cpu_clock = 0;
    pid_t tid = 0;
    // Poll-in-progress observation for blocking/never-yielded detection.
    std::uint64_t watched_poll_begin = 0;
    std::int64_t watched_cpu_ns = 0;
    std::int64_t watched_wall_ns = 0;
    bool watched_reported_blocking = false;
    bool watched_reported_never_yielded = false;
  };

  struct site_stats {
    std::string name, file;
    std::uint32_t line = 0;
    std::uint64_t count = 0, slow = 0, total_ns = 0, max_ns = 0;
    log_histogram hist;
  };

  task_stats* find_task(const event& e);
  worker_stats* worker(std::int16_t index);
  void on_spawn(const event& e);
  void on_poll(const event& e);
  void on_complete(const event& e);
  bool already_reported_never_yielded(const event& e) const;
  void on_park(const event& e);
  void on_await(const event& e);
  void on_trace(const event& e);
  void on_blocking(const event& e);
  void warn(const char* lint, const task_stats* task, std::string message,
            std::uint64_t occurrences = 0);
  void check_running_polls();
  void check_tasks(std::uint64_t now);  // self-wakes and stuck
  /// Forgets completed tasks past the retention time or count, looking at no more than
  /// `max_visits` of them (oldest first).
  void evict_completed(std::uint64_t now, std::size_t max_visits);
  /// The record in `slot` is still `task_id`'s (not free, not reused).
  static bool record_belongs_to(std::uint32_t slot, std::uint64_t task_id);
  /// ... and may be rebuilt into stats here: not an unknown task already counted by
  /// `on_unreported_end`, whose release the collector owns.
  static bool record_adoptable(std::uint32_t slot, std::uint64_t task_id);
  void release_ended_unknown();
  task_info to_info(const task_stats& t, std::uint64_t now) const;

  resolved_options options_;
  const worker_slot* worker_slots_;
  std::uint64_t slow_poll_ticks_, slow_await_ticks_, stuck_ticks_, never_yielded_ticks_;
  std::uint64_t retain_ticks_;
  std::uint64_t created_tick_;

  std::unordered_map<std::uint64_t, task_stats> tasks_;
  std::deque<std::uint64_t> completed_order_;  // ids, oldest first
  struct ended_unknown {
    std::uint32_t slot;
    std::uint64_t id;
  };
  std::deque<ended_unknown> ended_unknown_;  // counted, record not yet released
  std::vector<worker_stats> workers_;
  std::unordered_map<const void*, site_stats> sites_;

  struct warning_key {
    std::string lint;
    std::uint64_t task_id;
    auto operator<=>(const warning_key&) const = default;
  };
  std::map<warning_key, warning_info> warnings_;
  std::uint64_t warnings_dropped_ = 0;
  std::uint64_t spawned_ = 0, completed_ = 0;
  task_stats* last_task_ = nullptr;  // consecutive events often name the same task
};

}  // namespace coroscope::detail
