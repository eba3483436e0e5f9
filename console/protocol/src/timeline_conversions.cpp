// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/console/timeline_conversions.hpp"

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace coroscope::console::detail {

namespace {

namespace pb = v1;

pb::WakerKind to_proto(timeline::waker_kind k) {
  switch (k) {
    case timeline::waker_kind::task: return pb::WAKER_KIND_TASK;
    case timeline::waker_kind::io: return pb::WAKER_KIND_IO;
    case timeline::waker_kind::timer: return pb::WAKER_KIND_TIMER;
    case timeline::waker_kind::outside: return pb::WAKER_KIND_OUTSIDE;
  }
  return pb::WAKER_KIND_TASK;
}

bool from_proto(int k, timeline::waker_kind& out) {
  switch (k) {
    case pb::WAKER_KIND_TASK: out = timeline::waker_kind::task; return true;
    case pb::WAKER_KIND_IO: out = timeline::waker_kind::io; return true;
    case pb::WAKER_KIND_TIMER: out = timeline::waker_kind::timer; return true;
    case pb::WAKER_KIND_OUTSIDE: out = timeline::waker_kind::outside; return true;
    default: return false;
  }
}

/// The earliest time an event may have to be kept when only the newest `max_events` of
/// `parts` together fit (0: all fit). Events at the cut itself are kept, so a few more
/// may pass.
std::uint64_t cutoff(std::initializer_list<const timeline*> parts, std::size_t max_events) {
  std::size_t total = 0;
  for (const timeline* t : parts)
    total += t->polls.size() + t->wakes.size() + t->parks.size() + t->awaits.size() + t->lints.size();
  if (max_events == 0 || total <= max_events) return 0;
  std::vector<std::uint64_t> times;
  times.reserve(total);
  for (const timeline* t : parts) {
    for (const auto& p : t->polls) times.push_back(p.begin_ns);
    for (const auto& w : t->wakes) times.push_back(w.time_ns);
    for (const auto& p : t->parks) times.push_back(p.begin_ns);
    for (const auto& a : t->awaits) times.push_back(a.begin_ns);
    for (const auto& l : t->lints) times.push_back(l.time_ns);
  }
  const auto nth = times.begin() + std::ptrdiff_t(total - max_events);
  std::nth_element(times.begin(), nth, times.end());
  return *nth;
}

std::uint64_t offset(std::uint64_t t, std::uint64_t base) { return t > base ? t - base : 0; }
std::uint64_t length(std::uint64_t b, std::uint64_t e) { return e > b ? e - b : 0; }

std::uint64_t add(std::uint64_t a, std::uint64_t b) {
  return b > std::numeric_limits<std::uint64_t>::max() - a ? std::numeric_limits<std::uint64_t>::max() : a + b;
}

}  // namespace

void to_proto(const timeline& t, pb::Timeline* out, std::size_t max_events) {
  out->set_recording(true);
  out->set_partial(t.partial);
  out->set_process_name(t.process_name);
  out->set_pid(t.pid);
  out->set_dropped_events(t.dropped_events);
  const std::uint64_t cut = cutoff({&t}, max_events);
  const std::uint64_t base = std::max(t.begin_ns, cut);
  out->set_begin_nanos(base);
  out->set_end_nanos(std::max(t.end_ns, base));
  for (const auto& w : t.workers) {
    auto* m = out->add_workers();
    m->set_index(w.index);
    m->set_thread_name(w.thread_name);
    m->set_tid(w.tid);
  }
  for (const auto& k : t.tasks) {
    auto* m = out->add_tasks();
    m->set_id(k.id);
    m->set_parent_id(k.parent_id);
    m->set_name(k.name);
  }
  std::uint64_t omitted = 0;
  const auto keep = [&](std::uint64_t time) {
    if (time >= cut) return true;
    ++omitted;
    return false;
  };
  for (const auto& p : t.polls) {
    if (!keep(p.begin_ns)) continue;
    out->add_poll_workers(p.worker);
    out->add_poll_tasks(p.task_id);
    out->add_poll_begins(offset(p.begin_ns, base));
    out->add_poll_durations(length(p.begin_ns, p.end_ns));
  }
  for (const auto& w : t.wakes) {
    if (!keep(w.time_ns)) continue;
    out->add_wake_tasks(w.task_id);
    out->add_wake_times(offset(w.time_ns, base));
    out->add_wake_kinds(to_proto(w.waker));
    out->add_wake_wakers(w.waker == timeline::waker_kind::task ? w.waker_task_id : 0);
  }
  for (const auto& p : t.parks) {
    if (!keep(p.begin_ns)) continue;
    out->add_park_workers(p.worker);
    out->add_park_begins(offset(p.begin_ns, base));
    out->add_park_durations(length(p.begin_ns, p.end_ns));
  }
  for (const auto& a : t.awaits) {
    if (!keep(a.begin_ns)) continue;
    auto* m = out->add_awaits();
    m->set_task_id(a.task_id);
    m->set_site(a.site);
    m->set_file(a.file);
    m->set_line(a.line);
    m->set_begin(offset(a.begin_ns, base));
    m->set_duration(length(a.begin_ns, a.end_ns));
  }
  for (const auto& l : t.lints) {
    if (!keep(l.time_ns)) continue;
    auto* m = out->add_lints();
    m->set_name(l.name);
    m->set_task_id(l.task_id);
    m->set_time(offset(l.time_ns, base));
    m->set_message(l.message);
  }
  out->set_omitted_events(omitted);
}

bool from_proto(const pb::Timeline& m, timeline& out, std::string& error) {
  const auto same = [](int a, int b, int c, int d) { return a == b && b == c && c == d; };
  if (!same(m.poll_workers_size(), m.poll_tasks_size(), m.poll_begins_size(), m.poll_durations_size()) ||
      !same(m.wake_tasks_size(), m.wake_times_size(), m.wake_kinds_size(), m.wake_wakers_size()) ||
      !same(m.park_workers_size(), m.park_begins_size(), m.park_durations_size(), m.park_workers_size())) {
    error = "timeline columns of different lengths";
    return false;
  }
  out = timeline{};
  const std::uint64_t base = m.begin_nanos();
  out.process_name = m.process_name();
  out.pid = m.pid();
  out.begin_ns = base;
  out.end_ns = std::max(base, m.end_nanos());
  out.dropped_events = m.dropped_events();
  out.partial = m.partial();
  for (const auto& w : m.workers()) out.workers.push_back({w.index(), w.thread_name(), w.tid()});
  for (const auto& k : m.tasks()) out.tasks.push_back({k.id(), k.parent_id(), k.name()});
  out.polls.reserve(std::size_t(m.poll_workers_size()));
  for (int i = 0; i < m.poll_workers_size(); ++i) {
    const std::uint64_t b = add(base, m.poll_begins(i));
    out.polls.push_back({m.poll_workers(i), m.poll_tasks(i), b, add(b, m.poll_durations(i))});
  }
  out.wakes.reserve(std::size_t(m.wake_tasks_size()));
  for (int i = 0; i < m.wake_tasks_size(); ++i) {
    timeline::wake w{m.wake_tasks(i), add(base, m.wake_times(i)), timeline::waker_kind::task, m.wake_wakers(i)};
    if (!from_proto(m.wake_kinds(i), w.waker)) {
      error = "unknown waker kind " + std::to_string(m.wake_kinds(i));
      return false;
    }
    if (w.waker != timeline::waker_kind::task) w.waker_task_id = 0;
    out.wakes.push_back(w);
  }
  out.parks.reserve(std::size_t(m.park_workers_size()));
  for (int i = 0; i < m.park_workers_size(); ++i) {
    const std::uint64_t b = add(base, m.park_begins(i));
    out.parks.push_back({m.park_workers(i), b, add(b, m.park_durations(i))});
  }
  for (const auto& a : m.awaits()) {
    const std::uint64_t b = add(base, a.begin());
    out.awaits.push_back({a.task_id(), a.site(), a.file(), a.line(), b, add(b, a.duration())});
  }
  for (const auto& l : m.lints()) out.lints.push_back({l.name(), l.task_id(), add(base, l.time()), l.message()});
  // Widen the window to every event, so `begin_ns <= event <= end_ns` holds whatever came.
  for (const auto& p : out.polls) out.end_ns = std::max(out.end_ns, p.end_ns);
  for (const auto& p : out.parks) out.end_ns = std::max(out.end_ns, p.end_ns);
  for (const auto& a : out.awaits) out.end_ns = std::max(out.end_ns, a.end_ns);
  for (const auto& w : out.wakes) out.end_ns = std::max(out.end_ns, w.time_ns);
  for (const auto& l : out.lints) out.end_ns = std::max(out.end_ns, l.time_ns);
  return true;
}

timeline add_partial(const timeline& window, timeline&& partial, std::size_t max_events) {
  timeline out;
  out.process_name = std::move(partial.process_name);
  out.pid = partial.pid;
  out.end_ns = std::max(window.end_ns, partial.end_ns);
  out.dropped_events = partial.dropped_events;
  out.workers = std::move(partial.workers);
  const std::uint64_t start = std::max(partial.begin_ns, cutoff({&window, &partial}, max_events));
  out.begin_ns = start;
  // The kept events of `window`, then the partial one's.
  const auto keep = [](const auto& old, auto& fresh, auto still_in, auto& into) {
    for (const auto& e : old)
      if (still_in(e)) into.push_back(e);
    for (auto& e : fresh)
      if (still_in(e)) into.push_back(std::move(e));
  };
  keep(window.polls, partial.polls, [&](const timeline::poll& p) { return p.end_ns >= start; }, out.polls);
  keep(window.wakes, partial.wakes, [&](const timeline::wake& w) { return w.time_ns >= start; }, out.wakes);
  keep(window.parks, partial.parks, [&](const timeline::park& p) { return p.end_ns >= start; }, out.parks);
  keep(window.awaits, partial.awaits, [&](const timeline::timed_await& a) { return a.end_ns >= start; }, out.awaits);
  keep(window.lints, partial.lints, [&](const timeline::lint& l) { return l.time_ns >= start; }, out.lints);
  // A kept slice may have begun before the start.
  for (const auto& p : out.polls) out.begin_ns = std::min(out.begin_ns, p.begin_ns);
  for (const auto& a : out.awaits) out.begin_ns = std::min(out.begin_ns, a.begin_ns);
  for (const auto& p : out.parks) out.begin_ns = std::min(out.begin_ns, p.begin_ns);

  // Tasks: those the kept events name, the partial reply's entries (newer) first.
  std::unordered_set<std::uint64_t> named;
  for (const auto& p : out.polls) named.insert(p.task_id);
  for (const auto& w : out.wakes) {
    named.insert(w.task_id);
    named.insert(w.waker_task_id);
  }
  for (const auto& a : out.awaits) named.insert(a.task_id);
  for (const auto& l : out.lints) named.insert(l.task_id);
  std::unordered_map<std::uint64_t, std::size_t> index;
  for (timeline::task& k : partial.tasks) {
    index.emplace(k.id, out.tasks.size());
    out.tasks.push_back(std::move(k));
  }
  for (const timeline::task& k : window.tasks) {
    if (!named.contains(k.id)) continue;
    auto [it, added] = index.emplace(k.id, out.tasks.size());
    if (added) {
      out.tasks.push_back(k);
      continue;
    }
    // Known to both: a name or parent the newer entry lacks comes from the older.
    timeline::task& newer = out.tasks[it->second];
    if (newer.name.empty()) newer.name = k.name;
    if (newer.parent_id == 0) newer.parent_id = k.parent_id;
  }
  return out;
}

}  // namespace coroscope::console::detail
