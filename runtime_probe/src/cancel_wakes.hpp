// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace coroscope::detail {

/// Which task woke a task that waited on an I/O object, when another task cancelled or
/// closed the object: a timer's `cancel`, `cancel_one` or new expiry (a timer used as a
/// condition variable is signalled so), a socket's or acceptor's `cancel` or `close` (its
/// pending operations complete with operation_aborted). The flight recorder's
/// bookkeeping, on the collector: fed the waits' starts, the cancels and the polls in the
/// order the collector drains them. That order holds per thread, not across threads, so a
/// cancel drained before the wait it cancelled finds no waiter (the wake stays the
/// object's); a wait drained after a later poll of its task is known to be over
/// (`wait_started` checks).
class cancel_wakes {
 public:
  /// Tasks followed at once; waits of further tasks stay their object's wakes.
  static constexpr std::size_t kMaxTasks = 4096;

  struct wake {
    std::uint64_t task_id;   ///< woken
    std::uint64_t waker_id;  ///< the task that cancelled or closed the object
    std::uint64_t tick;      ///< when
  };

  /// `task` began waiting on `object` at `tick`.
  void wait_started(std::uint64_t task, const void* object, std::uint64_t tick);
  /// `canceller` cancelled or closed `object` at `tick`: every waiter (`all`) or the oldest.
  /// Appends a wake per task woken to `out`.
  void cancelled(const void* object, std::uint64_t canceller, std::uint64_t tick, bool all,
                 std::vector<wake>& out);
  /// A poll of `task` began at `begin`: true when it is the poll a cancel woke (so it was
  /// not the object's completion that woke it).
  bool polled(std::uint64_t task, std::uint64_t begin);
  /// `task` ended (it is forgotten, after the poll a cancel woke if that is still to come).
  void ended(std::uint64_t task);

  std::size_t tasks() const { return tasks_.size(); }

 private:
  struct task_state {
    const void* object = nullptr;  ///< waiting on it since `start`; nullptr: not waiting
    std::uint64_t start = 0;
    std::uint64_t last_poll = 0;  ///< begin of its latest poll seen
    std::uint64_t woken_at = 0;   ///< a cancel woke it then; its next poll is that wake's
    bool ended = false;           ///< forgotten once that poll is seen
  };
  void unlink(std::uint64_t task, task_state& s);

  std::unordered_map<std::uint64_t, task_state> tasks_;
  std::unordered_map<const void*, std::vector<std::uint64_t>> waiters_;  ///< oldest first
};

}  // namespace coroscope::detail
