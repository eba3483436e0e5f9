// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "flight_recorder.hpp"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "coroscope/detail/await_site.hpp"
#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/task_record.hpp"

namespace coroscope::detail {
namespace {

// Timed awaits waiting for their task's next poll; beyond this many tasks at once the
// await is lost (and counted).
constexpr std::size_t kMaxPendingAwaits = 4096;

std::uint64_t to_ns(std::uint64_t tick) {
  const std::int64_t ns = ticks_to_monotonic_ns(tick);
  return ns < 0 ? 0 : static_cast<std::uint64_t>(ns);
}

/// What woke a poll, as far as its event says: its operation's kind. A post by another
/// task gives none here: its wake is an event of its own (event_kind::wake) when the task
/// is known, and unknown when the post came from outside the probe's tasks.
std::optional<timeline::waker_kind> waker_of(op_kind kind, bool self_wake) {
  if (kind == op_kind::timer_wait) return timeline::waker_kind::timer;
  if (on_io_object(kind)) return timeline::waker_kind::io;
  if (kind == op_kind::post && self_wake) return timeline::waker_kind::task;
  return std::nullopt;
}

}  // namespace

flight_recorder::flight_recorder(std::uint64_t window_ticks, std::size_t max_bytes)
    : window_ticks_(window_ticks), max_bytes_(max_bytes) {}

void flight_recorder::record(const event& e) {
  if (!on()) return;
  entry x{};
  x.task_id = e.task_id;
  x.worker = e.worker;
  x.flags = e.flags;
  switch (e.kind) {
    case event_kind::poll_sample: {
      const poll_fields f = e.as_poll();
      x.what = kind::poll;
      x.begin = f.begin;
      x.end = std::max(f.begin, f.end);
      x.aux = f.wake_tick;
      x.op_kind = f.op_kind;
      const std::optional<cancel_wakes::wake> cancel = cancel_wakes_.polled(e.task_id, f.begin, f.wake_tick, e.worker);
      x.woken_by_cancel = cancel.has_value();
      push(x);
      if (cancel) push_wake(cancel->task_id, cancel->waker_id, cancel->tick, cancel->worker);
      // The await this task resumed from ended when this poll began.
      if (auto it = pending_awaits_.find(e.task_id); it != pending_awaits_.end() && it->second.site != 0) {
        entry a{};
        a.what = kind::await;
        a.task_id = e.task_id;
        a.worker = e.worker;
        a.aux = it->second.site;
        a.end = f.begin;
        a.begin = f.begin > it->second.length ? f.begin - it->second.length : 0;
        it->second = {};  // kept for the task's next await: no allocation per await
        ++idle_awaits_;
        push(a);
      }
      return;
    }
    case event_kind::task_spawn: {
      const spawn_fields f = e.as_spawn();
      x.what = kind::spawn;
      x.begin = x.end = f.tick;
      x.aux = f.parent_id;
      return push(x);
    }
    case event_kind::park: {
      const park_fields f = e.as_park();
      x.what = kind::park;
      x.begin = f.begin;
      x.end = std::max(f.begin, f.end);
      return push(x);
    }
    case event_kind::wake: {
      const wake_fields f = e.as_wake();
      return push_wake(e.task_id, f.waker_id, f.tick, e.worker);
    }
    case event_kind::op_start: {
      const op_start_fields f = e.as_op_start();
      if (e.task_id != 0 && on_io_object(static_cast<op_kind>(f.op_kind)))
        cancel_wakes_.wait_started(e.task_id, f.object, f.tick);
      return;
    }
    case event_kind::object_cancel: {
      const object_cancel_fields f = e.as_object_cancel();
      cancel_wakes_.cancelled(f.object, e.task_id, f.tick, f.all, e.worker);
      return;
    }
    case event_kind::task_complete:
      cancel_wakes_.ended(e.task_id, e.worker);
      // An await with no poll after it never ends.
      if (auto it = pending_awaits_.find(e.task_id); it != pending_awaits_.end()) {
        if (it->second.site == 0) --idle_awaits_;
        pending_awaits_.erase(it);
      }
      x.what = kind::complete;
      x.begin = x.end = e.as_complete().tick;
      return push(x);
    case event_kind::await_sample: {
      const await_fields f = e.as_await();
      if (e.task_id == 0) return;
      // Inexact (measured by the coarse clock): its shortest length is what it surely took.
      auto it = pending_awaits_.find(e.task_id);
      if (it == pending_awaits_.end()) {
        if (pending_awaits_.size() >= kMaxPendingAwaits && idle_awaits_ > 0) {
          std::erase_if(pending_awaits_, [](const auto& p) { return p.second.site == 0; });
          idle_awaits_ = 0;
        }
        if (pending_awaits_.size() >= kMaxPendingAwaits) {
          ++lost_;
          return;
        }
        it = pending_awaits_.emplace(e.task_id, pending_await{}).first;
      } else if (it->second.site == 0) {
        --idle_awaits_;
      }
      it->second = {event_word(f.site), f.shortest};
      return;
    }
    default: return;
  }
}

void flight_recorder::push_wake(std::uint64_t task, std::uint64_t waker, std::uint64_t tick,
                                std::int16_t worker) {
  entry x{};
  x.what = kind::wake;
  x.task_id = task;
  x.worker = worker;
  x.begin = x.end = tick;
  x.aux = waker;
  push(x);
}

void flight_recorder::record_lint(const char* lint, std::uint64_t task_id, std::uint64_t tick,
                                  const std::string& message) {
  if (!on()) return;
  lints_.push_back({lint, task_id, tick, message});
  ++lints_taken_;
  bytes_ += cost(lints_.back());
  newest_ = std::max(newest_, tick);
  evict();
}

void flight_recorder::push(const entry& e) {
  entries_.push_back(e);
  ++entries_taken_;
  bytes_ += sizeof(entry);
  newest_ = std::max(newest_, e.end);
  evict();
}

void flight_recorder::evict() {
  const std::uint64_t oldest_kept =
      window_ticks_ != 0 && newest_ > window_ticks_ ? newest_ - window_ticks_ : 0;
  // Events arrive ring by ring, so not quite in time order: each deque is evicted from its
  // front while the front is old, which bounds the window to within one drain's spread.
  while (!entries_.empty() && entries_.front().end < oldest_kept) {
    entries_.pop_front();
    bytes_ -= sizeof(entry);
  }
  while (!lints_.empty() && lints_.front().tick < oldest_kept) {
    bytes_ -= cost(lints_.front());
    lints_.pop_front();
  }
  // Over the byte bound: the oldest of both goes first; what the time bound would still
  // have kept is lost.
  while (bytes_ > max_bytes_ && (!entries_.empty() || !lints_.empty())) {
    const bool take_lint = entries_.empty() ||
                           (!lints_.empty() && lints_.front().tick < entries_.front().end);
    if (take_lint) {
      bytes_ -= cost(lints_.front());
      lints_.pop_front();
    } else {
      entries_.pop_front();
      bytes_ -= sizeof(entry);
    }
    ++lost_;
  }
}

void flight_recorder::fill(timeline& out, std::uint64_t since_tick,
                           std::vector<queued_interval>& queued, timeline_cursor* after) const {
  // The first entry and lint after the cursor (a default cursor asks for the whole window,
  // and one ahead of this recorder is not its own: the whole window then too).
  std::size_t first_entry = 0, first_lint = 0;
  out.partial = after != nullptr && (after->events != 0 || after->lints != 0) &&
                after->events <= entries_taken_ && after->lints <= lints_taken_;
  if (out.partial) {
    const auto index = [](std::uint64_t cursor, std::uint64_t taken, std::size_t held) {
      const std::uint64_t oldest = taken - held;
      return static_cast<std::size_t>(cursor > oldest ? cursor - oldest : 0);
    };
    first_entry = index(after->events, entries_taken_, entries_.size());
    first_lint = index(after->lints, lints_taken_, lints_.size());
  }
  if (after != nullptr) *after = {entries_taken_, lints_taken_};
  std::uint64_t first = ~std::uint64_t{0}, last = 0;
  std::unordered_set<std::uint64_t> tasks;
  const auto note_task = [&](std::uint64_t id, std::uint64_t parent) {
    if (id == 0) return;
    if (tasks.insert(id).second) out.tasks.push_back({id, parent, {}});
  };
  // Spawns first, so tasks get their parents without a search.
  const auto from = entries_.begin() + static_cast<std::ptrdiff_t>(first_entry);
  for (auto e = from; e != entries_.end(); ++e)
    if (e->what == kind::spawn && e->end >= since_tick) note_task(e->task_id, e->aux);
  for (auto it = from; it != entries_.end(); ++it) {
    const entry& e = *it;
    if (e.end < since_tick) continue;
    first = std::min(first, e.begin);
    last = std::max(last, e.end);
    const unsigned worker = e.worker < 0 ? 0 : static_cast<unsigned>(e.worker);
    switch (e.what) {
      case kind::poll: {
        note_task(e.task_id, 0);
        out.polls.push_back({worker, e.task_id, to_ns(e.begin), to_ns(e.end)});
        if (static_cast<op_kind>(e.op_kind) == op_kind::post && e.aux != 0 && e.aux <= e.begin)
          queued.push_back({worker, to_ns(e.aux), to_ns(e.begin)});
        if (e.task_id == 0) break;
        if (e.woken_by_cancel) break;  // its wake is the cancel's (kind::wake)
        const bool self = (e.flags & flag_self_wake) != 0;
        if (auto waker = waker_of(static_cast<op_kind>(e.op_kind), self)) {
          // A post's tick is when it was queued (made runnable); for I/O and timers the
          // operation's start is not the wake, so the wake is put at the poll it caused.
          const bool posted = *waker == timeline::waker_kind::task && e.aux != 0 && e.aux <= e.begin;
          out.wakes.push_back({e.task_id, to_ns(posted ? e.aux : e.begin), *waker,
                               *waker == timeline::waker_kind::task ? e.task_id : 0});
        }
        break;
      }
      case kind::await: {
        note_task(e.task_id, 0);
        const auto* site = reinterpret_cast<const await_site*>(e.aux);
        out.awaits.push_back({e.task_id, site->name ? site->name : "", site->file ? site->file : "",
                              site->line, to_ns(e.begin), to_ns(e.end)});
        break;
      }
      case kind::park: out.parks.push_back({worker, to_ns(e.begin), to_ns(e.end)}); break;
      case kind::wake:
        note_task(e.task_id, 0);
        note_task(e.aux, 0);
        out.wakes.push_back({e.task_id, to_ns(e.begin), timeline::waker_kind::task, e.aux});
        break;
      case kind::spawn:
      case kind::complete: note_task(e.task_id, 0); break;
    }
  }
  for (auto it = lints_.begin() + static_cast<std::ptrdiff_t>(first_lint); it != lints_.end(); ++it) {
    const lint_entry& l = *it;
    if (l.tick < since_tick) continue;
    first = std::min(first, l.tick);
    last = std::max(last, l.tick);
    note_task(l.task_id, 0);
    out.lints.push_back({l.name, l.task_id, to_ns(l.tick), l.message});
  }
  if (last != 0) {
    out.begin_ns = to_ns(std::max(first, since_tick));
    out.end_ns = to_ns(last);
    // Slices may start before the window's start (a poll that began before `since_tick`).
    for (const timeline::poll& p : out.polls) out.begin_ns = std::min(out.begin_ns, p.begin_ns);
    for (const timeline::timed_await& a : out.awaits) out.begin_ns = std::min(out.begin_ns, a.begin_ns);
  }
  // A partial window spans the whole one: the asker keeps its events from the oldest still
  // held (events of one deque arrive nearly in time order: its front is about the oldest).
  if (out.partial && (!entries_.empty() || !lints_.empty())) {
    std::uint64_t oldest = ~std::uint64_t{0};
    if (!entries_.empty()) oldest = entries_.front().end;
    if (!lints_.empty()) oldest = std::min(oldest, lints_.front().tick);
    oldest = std::max(oldest, since_tick);
    out.begin_ns = last != 0 ? std::min(out.begin_ns, to_ns(oldest)) : to_ns(oldest);
    out.end_ns = std::max(out.end_ns, to_ns(newest_));
  }
}

}  // namespace coroscope::detail
