// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <array>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "coroscope/core/lint_firing.hpp"
#include "coroscope/detail/event.hpp"
#include "coroscope/detail/task_record.hpp"
#include "coroscope/probe_options.hpp"
#include "coroscope/snapshot.hpp"
#include "coroscope/timeline.hpp"
#include "flight_recorder.hpp"
#include "histogram.hpp"
#include "task_walk.hpp"

namespace coroscope::detail {

class worker_table;
class task_naming;

/// Counts of `TIMED_AWAIT`s still in threads' site tables, by site (see site_counts).
using live_site_counts = std::unordered_map<const void*, std::uint64_t>;

/// Aggregates for one probe, on the collector's side (every call holds its lock).
///
/// Counts are kept where they happen: a task's polls, wakes, migrations and operations in
/// its record, a worker's in its slot; the aggregator reads them when it builds a
/// snapshot. Events bring the rest: spawns and ends, timing samples (one poll or await in
/// a few is timed exactly, and long ones always to within the coarse clock's interval),
/// lint material. Durations are estimated from the samples: exact polls are summed, the
/// others counted at the mean of the exact short ones.
///
/// Memory is bounded: completed tasks are forgotten after the retention time or count
/// (their records go back to the pool), the warning list is capped.
class aggregator {
 public:
  aggregator(const resolved_options& options, const worker_table& workers, task_naming& naming);
  ~aggregator();

  void apply(const event& e);
  /// Periodic checks that need no event: stuck tasks, polls still running, names,
  /// retention.
  void tick();
  snapshot build(std::uint64_t dropped, std::uint64_t untracked,
                 const live_site_counts& live_sites);
  /// Every live task (or only task `only`, when not 0), its async stack walked when it is
  /// suspended (task_walk.hpp).
  /// `*ended`: how many live tasks ended before the walk reached them (left out).
  std::vector<walked_task> walk_live_tasks(std::uint64_t only = 0, std::uint64_t* ended = nullptr);
  std::chrono::nanoseconds collect_interval() const noexcept { return options_.collect_interval; }
  /// Every worker of the probe is parked or gone (none, too): no poll can begin without
  /// waking the coarse clock's stamper first. Adds the workers' parks to `parks`.
  bool workers_idle(std::uint64_t& parks) const noexcept;
  /// Events applied since the probe started.
  std::uint64_t events_applied() const noexcept { return events_applied_; }
  /// Bytes its tables hold: an estimate from their sizes, node and string overheads
  /// included (aggregator_memory.cpp).
  std::uint64_t table_bytes() const;
  /// The probe is going: completed tasks' records go back to the pool; live tasks' records
  /// are abandoned (their coroutines still hold them; released when those end).
  void release_all_slots();
  /// A task whose completion event was dropped (the collector took its record from the
  /// pool's unreported list). A task known here completes as usual; an unknown one (all
  /// its events dropped) is only counted, and its record released.
  void on_unreported_end(task_record& r);

  /// The flight recorder's window: the last `last` of it (0: all), workers and task names
  /// filled; `dropped` ring drops are added to its own losses; `queued` as
  /// flight_recorder::fill gives it, and `after` as there. Empty when it is off.
  std::optional<timeline> trace_window(std::chrono::nanoseconds last, std::uint64_t dropped,
                                       std::vector<queued_interval>& queued,
                                       timeline_cursor* after = nullptr) const;
  bool recorder_on() const noexcept { return recorder_.on(); }
  std::size_t recorder_bytes() const noexcept { return recorder_.bytes(); }
  std::uint64_t recorder_lost() const noexcept { return recorder_.lost(); }
  /// Lint firings the recorder kept, numbered from 1; those numbered after `after` (at most
  /// the last kMaxRecentLints), for automatic traces.
  std::vector<core::lint_firing> lints_since(std::uint64_t after) const;

 private:
  /// Duration estimate from exact samples, long polls and a count.
  struct timing {
    std::uint64_t exact = 0, exact_ticks = 0;          // timed polls
    std::uint64_t exact_short = 0, exact_short_ticks = 0;
    std::uint64_t long_count = 0, long_ticks = 0;      // untimed, measured by the coarse clock
    void add_exact(std::uint64_t ticks, std::uint64_t short_limit);
    void add_long(std::uint64_t ticks);
    std::uint64_t estimate(std::uint64_t count) const;  // ticks
  };

  struct task_stats {
    std::uint64_t id = 0;
    std::uint64_t parent_id = 0;
    std::uint32_t slot = 0;
    std::string name;
    bool named = false;  // given, or resolved from the coroutine
    bool located = false;
    coroscope::code_location location;
    std::uint64_t spawn_tick = 0;
    std::uint64_t first_poll_tick = 0;
    std::uint64_t completed_tick = 0;  // 0: live
    // From the record.
    std::uint64_t polls = 0, self_wakes = 0, migrations = 0;
    std::array<std::uint64_t, kOpKinds> ops{};
    // An awaitable operator's side (a task that is one operation, task_naming::is_operation).
    // Once it has ended, its operations count as its parent's (`side_ops` there) and it
    // leaves the task list (see fold_side).
    bool operation_side = false;
    std::array<std::uint64_t, kOpKinds> side_ops{};
    // From samples.
    timing busy;
    std::uint64_t sched_samples = 0, sched_ticks = 0;
    std::uint64_t slow_polls = 0;
    bool failed = false;
    // Where it waits, for the `stuck` and `slow-await` warnings: walked once per idle
    // stretch (keyed by its poll count), not at every tick.
    std::string waiting_stack;
    std::uint64_t waiting_stack_polls = ~std::uint64_t{0};
    // The poll count its frames were last walked at for its name (walked_entry_function).
    std::uint64_t entry_walk_polls = 0;
    // The TIMED_AWAIT (site, start) a slow-await warning was given for while it waited: its
    // end is then the same slow await, not another.
    const void* slow_wait_site = nullptr;
    std::uint64_t slow_wait_since = 0;
    // The poll count the last idle stretch reported `stuck` began at.
    std::uint64_t stuck_polls = ~std::uint64_t{0};
    bool has_trace = false;
    std::string trace_id, span_id;
    log_histogram poll_hist, sched_hist;
  };

  struct worker_stats {
    timing busy;
    std::uint64_t start_tick = 0, stop_tick = 0;
    bool running = false;
    clockid_t cpu_clock = 0;
    pid_t tid = 0;
    std::string thread_name;  // read at its start, for the recorder's traces
    // Poll-in-progress observation for blocking/never-yielded detection.
    std::uint64_t watched_poll_begin = 0;
    std::int64_t watched_cpu_ns = 0;
    std::int64_t watched_wall_ns = 0;
    std::int64_t watched_voluntary_switches = 0;
    std::int64_t watched_run_queue_ns = -1;  // -1: /proc not read yet for this poll
    bool watched_reported_blocking = false;
    bool watched_reported_never_yielded = false;
  };

  struct site_stats {
    std::string name, file;
    std::uint32_t line = 0;
    std::uint64_t flushed = 0;  // counts flushed from threads' tables
    std::uint64_t samples = 0, sample_ticks = 0, slow = 0, max_ticks = 0;
    log_histogram hist;
  };

  struct resource_stats {
    std::uint64_t id = 0;
    op_kind kind = op_kind::other;
    std::int64_t handle = -1;
    bool closed = false;
    std::uint64_t timed = 0;
    std::uint64_t last_active_tick = 0;
    std::uint64_t last_task_id = 0;
    std::string last_task_name;
    log_histogram waits;
  };
  /// A timed operation started and not completed yet, in the set of slots its start tick
  /// chooses (`started_set`): `tick` 0 is an empty slot.
  struct started_op {
    std::uint64_t tick = 0;
    const void* object = nullptr;
  };
  std::span<started_op> started_set(std::uint64_t tick);

  task_stats* find_task(std::uint64_t id, std::uint32_t slot);
  void on_op_start(const event& e);
  void on_resource_closed(const event& e);
  void note_op_wait(op_kind kind, std::uint64_t start, std::uint64_t resumed, const task_stats* t);
  worker_stats* worker(std::int16_t index);
  void on_spawn(const event& e);
  void on_complete(const event& e);
  void on_poll_sample(const event& e);
  void on_long_poll(const event& e);
  void on_await_sample(const event& e);
  void on_site_count(const event& e);
  void on_trace(const event& e);
  void on_blocking(const event& e);
  void note_long_poll(task_stats* t, std::uint64_t ticks, bool exact);
  site_stats& site(const void* site);
  void warn(const char* lint, const task_stats* task, std::string message,
            std::uint64_t occurrences = 0);
  void check_running_polls();
  void check_tasks(std::uint64_t now);  // self-wakes, stuck, names
  void check_self_wakes(const task_stats& t);
  /// "a <- b" (where `t` waits), or "" when its stack cannot be walked.
  const std::string& waiting_stack(task_stats& t, const task_record& record);
  /// The resume function of `t`'s own coroutine, from a walk of its frames while it is
  /// suspended; 0 when not known (yet).
  std::uintptr_t walked_entry_function(task_stats& t, const task_record& record);
  /// slow-await for a task still waiting in a TIMED_AWAIT past the threshold.
  void check_slow_wait(task_stats& t, const task_record& record);
  std::uint64_t occurrences(const char* lint, std::uint64_t task_id) const;
  std::string slow_await_text(std::string_view name, std::string_view file, unsigned line,
                              const std::string& what) const;
  void refresh(task_stats& t);          // counts from the record
  static bool folded(const task_stats& t) { return t.operation_side && t.completed_tick != 0; }
  void fold_side(task_stats& side);
  /// The task `t`'s parent, if it is still known.
  task_stats* parent_of(const task_stats& t);
  /// Forgets completed tasks past the retention time or count, looking at no more than
  /// `max_visits` of them (oldest first), and as many ended operation sides.
  void evict_completed(std::uint64_t now, std::size_t max_visits);
  /// Forgets completed task `id` unless its record is still in use: then false.
  bool forget_completed(std::uint64_t id);
  /// The record in `slot` is still `task_id`'s (not free, not reused).
  static bool record_belongs_to(std::uint32_t slot, std::uint64_t task_id);
  void release_ended_unknown();
  task_info to_info(const task_stats& t, std::uint64_t now) const;
  /// A worker is polling `t` now (a live task, or a completed one whose record is its).
  bool is_running(const task_stats& t) const;

  resolved_options options_;
  const worker_table& worker_slots_;
  task_naming& naming_;
  std::uint64_t slow_poll_ticks_, slow_await_ticks_, stuck_ticks_, never_yielded_ticks_;
  std::uint64_t retain_ticks_, short_poll_ticks_;
  std::uint64_t created_tick_;

  std::unordered_map<std::uint64_t, task_stats> tasks_;
  std::deque<std::uint64_t> completed_order_;  // ids, oldest first
  std::deque<std::uint64_t> ended_sides_;      // folded operation sides, to forget
  struct ended_unknown {
    std::uint32_t slot;
    std::uint64_t id;
  };
  std::deque<ended_unknown> ended_unknown_;  // counted, record not yet released
  std::vector<worker_stats> workers_;
  timing no_task_busy_;
  std::unordered_map<const void*, site_stats> sites_;
  // Operations: counts of tasks already forgotten, waits by kind, the resources, and the
  // timed operations started and not completed yet (by start tick).
  std::array<std::uint64_t, kOpKinds> forgotten_ops_{};
  std::array<log_histogram, kOpKinds> op_waits_;
  std::unordered_map<const void*, resource_stats> resources_;
  std::uint64_t next_resource_id_ = 1, dropped_resources_ = 0;
  // Set-associative (2,048 sets of 4), allocated at the first operation (128 KiB): a new
  // operation whose set is full takes the oldest one's slot (that wait still counts for
  // its kind, not for its resource), so the table never grows and no operation allocates.
  std::vector<started_op> started_ops_;

  struct warning_key {
    std::string lint;
    std::uint64_t task_id;
    auto operator<=>(const warning_key&) const = default;
  };
  std::map<warning_key, warning_info> warnings_;
  std::uint64_t warnings_dropped_ = 0;
  std::uint64_t spawned_ = 0, completed_ = 0;
  std::uint64_t events_applied_ = 0;
  task_stats* last_task_ = nullptr;  // consecutive events often name the same task
  flight_recorder recorder_;
  static constexpr std::size_t kMaxRecentLints = 64;
  std::deque<core::lint_firing> recent_lints_;
  std::uint64_t lint_seq_ = 0;
};

}  // namespace coroscope::detail
