// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "cancel_wakes.hpp"

#include <algorithm>

namespace coroscope::detail {

void cancel_wakes::wait_started(std::uint64_t task, const void* object, std::uint64_t tick) {
  auto it = tasks_.find(task);
  if (it == tasks_.end()) {
    if (tasks_.size() >= kMaxTasks) return;
    it = tasks_.emplace(task, task_state{}).first;
  }
  task_state& s = it->second;
  if (s.last_poll > tick) return;  // a poll after this wait began was drained first: it is over
  // `woken_at` stays: the poll a cancel woke drains after the wait it starts.
  s.object = object;
  s.start = tick;
  if (s.listed_on == object) return;  // waits on the same object again (a read loop)
  delist(task, s);
  waiters_[object].push_back(task);
  s.listed_on = object;
}

std::size_t cancel_wakes::cancelled(const void* object, std::uint64_t canceller, std::uint64_t tick,
                                   bool all, std::int16_t worker) {
  const auto list = waiters_.find(object);
  if (list == waiters_.end()) return 0;
  // Waits on it that began before the cancel (tasks listed here whose wait is over are
  // not); cancel_one takes the oldest of them, as Asio does.
  const auto woken = [&](std::uint64_t task) {
    const task_state& s = tasks_.at(task);
    return s.object == object && s.start < tick && task != canceller;
  };
  std::uint64_t oldest = 0;
  if (!all) {
    for (const std::uint64_t task : list->second)
      if (woken(task) && (oldest == 0 || tasks_.at(task).start < tasks_.at(oldest).start))
        oldest = task;
    if (oldest == 0) return 0;
  }
  std::size_t cut = 0;
  for (const std::uint64_t task : list->second) {
    if (all ? !woken(task) : task != oldest) continue;
    task_state& s = tasks_.at(task);
    s.object = nullptr;
    s.woken_at = tick;
    s.woken_start = s.start;
    s.woken_by = canceller;
    s.woken_on = worker;
    ++cut;
  }
  return cut;
}

std::optional<cancel_wakes::wake> cancel_wakes::polled(std::uint64_t task, std::uint64_t begin,
                                                      std::uint64_t wake_tick,
                                                      std::int16_t worker) {
  const auto it = tasks_.find(task);
  if (it == tasks_.end()) return std::nullopt;
  task_state& s = it->second;
  s.last_poll = std::max(s.last_poll, begin);
  std::optional<wake> out;
  if (s.woken_at != 0 && begin >= s.woken_at) {
    // The first poll after the cancel: its wake only if it completes the wait cut short.
    if (wake_tick == 0 || wake_tick == s.woken_start) out = wake{task, s.woken_by, s.woken_at, s.woken_on};
    s.woken_at = 0;
  }
  if (s.object != nullptr && begin >= s.start) s.object = nullptr;  // the operation completed
  // An ended task's last poll drains right after its end, from its worker's ring (an
  // earlier poll on another worker may drain later still): nothing more comes.
  if (s.ended && worker == s.ended_on) {
    delist(task, s);
    tasks_.erase(it);
  }
  return out;
}

void cancel_wakes::ended(std::uint64_t task, std::int16_t worker) {
  const auto it = tasks_.find(task);
  if (it == tasks_.end()) return;
  task_state& s = it->second;
  s.object = nullptr;
  // A task that ends in the poll a cancel woke drains its end before that poll.
  if (s.woken_at != 0) {
    s.ended = true;
    s.ended_on = worker;
  } else {
    delist(task, s);
    tasks_.erase(it);
  }
}

void cancel_wakes::delist(std::uint64_t task, task_state& s) {
  if (s.listed_on == nullptr) return;
  if (const auto list = waiters_.find(s.listed_on); list != waiters_.end()) {
    std::erase(list->second, task);
    if (list->second.empty()) waiters_.erase(list);
  }
  s.listed_on = nullptr;
}

}  // namespace coroscope::detail
