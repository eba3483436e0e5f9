// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
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
///
/// A cancel is a wake only once the poll it caused is seen: the next poll of the task that
/// completes the very wait the cancel found (its operation's start tick is the poll's
/// wake tick). A wait whose completion went unseen leaves a stale entry, and a cancel of
/// another object at the same address later (a timer destroyed in another task's frame)
/// would otherwise be taken for a wake; so would a close in a destructor that runs after
/// its task ended.
class cancel_wakes {
 public:
  /// Tasks followed at once; waits of further tasks stay their object's wakes.
  static constexpr std::size_t kMaxTasks = 4096;

  struct wake {
    std::uint64_t task_id;   ///< woken
    std::uint64_t waker_id;  ///< the task that cancelled or closed the object
    std::uint64_t tick;      ///< when
    std::int16_t worker;     ///< where the waker ran then
  };

  /// `task` began waiting on `object` at `tick`.
  void wait_started(std::uint64_t task, const void* object, std::uint64_t tick);
  /// `canceller`, running on `worker`, cancelled or closed `object` at `tick`: every
  /// waiter (`all`) or the oldest. Returns how many waits it cut short.
  std::size_t cancelled(const void* object, std::uint64_t canceller, std::uint64_t tick, bool all,
                        std::int16_t worker);
  /// A poll of `task` began at `begin`, resumed by the completion of the operation started
  /// at `wake_tick` (0: unknown). The cancel's wake when this is the poll a cancel caused
  /// (so the object's completion did not wake it). A handler handed on by a strand carries
  /// the operation's start too (take_completion).
  /// `worker`: where the poll ran.
  std::optional<wake> polled(std::uint64_t task, std::uint64_t begin, std::uint64_t wake_tick,
                             std::int16_t worker);
  /// `task` ended on `worker` (it is forgotten, after its last poll if a cancel cut its
  /// wait short: that poll drains after the end, from the same worker).
  void ended(std::uint64_t task, std::int16_t worker);

  std::size_t tasks() const { return tasks_.size(); }

 private:
  struct task_state {
    const void* object = nullptr;  ///< waiting on it since `start`; nullptr: not waiting
    /// The object whose waiter list holds the task: the one it waited on last. A task
    /// stays listed after its wait ends, so that a loop waiting on one socket or timer
    /// again and again changes no list (each list change costs an allocation here).
    const void* listed_on = nullptr;
    std::uint64_t start = 0;
    std::uint64_t last_poll = 0;  ///< begin of its latest poll seen
    std::uint64_t woken_at = 0;   ///< a cancel cut its wait short then
    std::uint64_t woken_start = 0;  ///< the start of the wait it cut short
    std::uint64_t woken_by = 0;     ///< the canceller
    std::int16_t woken_on = -1;     ///< the canceller's worker
    bool ended = false;           ///< forgotten once its last poll is seen
    std::int16_t ended_on = -1;   ///< the worker that ran its last poll
  };
  /// Takes `task` off the waiter list it is on, if any.
  void delist(std::uint64_t task, task_state& s);

  std::unordered_map<std::uint64_t, task_state> tasks_;
  /// Tasks listed on each object (`listed_on`): at most one list a task, so bounded by
  /// kMaxTasks.
  std::unordered_map<const void*, std::vector<std::uint64_t>> waiters_;
};

}  // namespace coroscope::detail
