// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "coroscope/detail/event.hpp"
#include "coroscope/timeline.hpp"
#include "timeline_counters.hpp"
#include "cancel_wakes.hpp"

namespace coroscope::detail {

/// The flight recorder's window (issue 16): copies of the events the aggregator applies,
/// the newest first to stay, bounded in time (entries older than `window_ticks` before the
/// newest are evicted) and in bytes (the oldest are evicted to make room; those still
/// inside the time bound count as lost). On the collector's side only: every call holds the
/// collector's lock, and nothing here runs on a worker.
class flight_recorder {
 public:
  /// `max_bytes` 0: off (records nothing). `window_ticks` 0: bounded by bytes only.
  flight_recorder(std::uint64_t window_ticks, std::size_t max_bytes);

  bool on() const noexcept { return max_bytes_ != 0; }
  /// Keeps what the window shows of `e` (polls, spawns, ends, timed awaits, parks, wakes by
  /// a task, including another task's cancel or close of the timer or socket a task waits
  /// on); ignores the rest.
  void record(const event& e);
  /// A lint fired at `tick`. `lint` is a string literal (the aggregator's lint names).
  void record_lint(const char* lint, std::uint64_t task_id, std::uint64_t tick,
                   const std::string& message);
  /// Events lost: evicted by the byte bound while inside the time bound, or timed awaits
  /// whose resumption could not be matched.
  std::uint64_t lost() const noexcept { return lost_; }
  std::size_t bytes() const noexcept { return bytes_; }
  std::size_t size() const noexcept { return entries_.size() + lints_.size(); }

  /// Fills `out`'s polls, wakes, timed awaits, lints and tasks (ids and parents; names are
  /// the caller's) with what was recorded at or after `since_tick`, in CLOCK_MONOTONIC ns,
  /// and its `begin_ns`/`end_ns`, and `queued` with the posted tasks' waits (for the
  /// counters, derived by the caller off the collector's lock). Workers, names and drops
  /// are the caller's. With `after` (a cursor this recorder set, or a default one), only
  /// what was taken in after it, as a partial window whose `begin_ns` is still the whole
  /// window's start; `after` is then set to where this window ends.
  void fill(timeline& out, std::uint64_t since_tick, std::vector<queued_interval>& queued,
            timeline_cursor* after = nullptr) const;
  /// The newest tick recorded (0: nothing yet).
  std::uint64_t newest_tick() const noexcept { return newest_; }

 private:
  enum class kind : std::uint8_t { poll, spawn, complete, await, park, wake };
  /// 40 bytes; `aux`: a poll's wake tick, a spawn's parent id, an await's site, a wake's
  /// waker (task id).
  struct entry {
    std::uint64_t begin, end;
    std::uint64_t task_id;
    std::uint64_t aux;
    std::int16_t worker;
    kind what;
    std::uint8_t flags;
    std::uint8_t op_kind;
    bool woken_by_cancel;  ///< poll: another task cancelled or closed what it waited on
  };
  struct lint_entry {
    const char* name;
    std::uint64_t task_id;
    std::uint64_t tick;
    std::string message;
  };
  /// A timed await seen before its task's next poll, which gives its end (the resumption).
  /// `site` 0: none pending (the entry stays until its task ends or room is needed).
  struct pending_await {
    std::uint64_t site = 0;
    std::uint64_t length = 0;
  };

  void push(const entry& e);
  /// `waker`'s code made `task` runnable at `tick` (recorded on `worker`).
  void push_wake(std::uint64_t task, std::uint64_t waker, std::uint64_t tick, std::int16_t worker);
  void evict();
  static std::size_t cost(const lint_entry& l) noexcept { return sizeof(lint_entry) + l.message.size(); }

  std::uint64_t window_ticks_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::uint64_t newest_ = 0;
  std::uint64_t lost_ = 0;
  std::deque<entry> entries_;
  std::deque<lint_entry> lints_;
  std::uint64_t entries_taken_ = 0;  // pushed ever: entries_[i] is number taken - size + i
  std::uint64_t lints_taken_ = 0;
  std::unordered_map<std::uint64_t, pending_await> pending_awaits_;  // by task id, live tasks
  std::size_t idle_awaits_ = 0;  // entries of pending_awaits_ with none pending
  cancel_wakes cancel_wakes_;
};

}  // namespace coroscope::detail
