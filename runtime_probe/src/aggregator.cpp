// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "aggregator.hpp"

#include <algorithm>
#include <cstdio>

#include "coroscope/detail/await_site.hpp"
#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/task_record.hpp"
#include "coroscope/detail/thread_state.hpp"
#include "heap_profiling.hpp"

namespace coroscope::detail {
namespace {

constexpr std::size_t kMaxWarnings = 1000;
constexpr std::uint64_t kMinWakesForSelfWakeLint = 10;
// Completed tasks looked at per completion when over the count bound (records still in
// use are skipped, so more than one); the tick looks at all of them.
constexpr std::size_t kEvictVisitsPerCompletion = 4;

std::uint64_t to_ticks(std::chrono::nanoseconds d) { return ns_to_ticks(d.count()); }
std::uint64_t to_ns(std::uint64_t ticks) {
  return static_cast<std::uint64_t>(ticks_to_ns(static_cast<std::int64_t>(ticks)));
}

std::string format_ms(std::uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(ns) / 1e6);
  return buf;
}

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::int64_t thread_cpu_ns(clockid_t clock) {
  timespec ts;
  if (clock_gettime(clock, &ts) != 0) return -1;  // the thread has exited
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

/// Time thread `tid` of this process has spent runnable but waiting for a CPU (the run
/// queue), from /proc/self/task/<tid>/schedstat; 0 when the kernel does not say.
std::int64_t run_queue_wait_ns(pid_t tid) {
  if (tid <= 0) return 0;
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", static_cast<int>(tid));
  std::FILE* file = std::fopen(path, "re");
  if (!file) return 0;
  unsigned long long on_cpu = 0, waiting = 0;
  const int fields = std::fscanf(file, "%llu %llu", &on_cpu, &waiting);
  std::fclose(file);
  return fields == 2 ? static_cast<std::int64_t>(waiting) : 0;
}

}  // namespace

aggregator::aggregator(const resolved_options& options, const worker_slot* workers)
    : options_(options),
      worker_slots_(workers),
      slow_poll_ticks_(to_ticks(options.slow_poll_threshold)),
      slow_await_ticks_(to_ticks(options.slow_await_threshold)),
      stuck_ticks_(to_ticks(options.stuck_threshold)),
      never_yielded_ticks_(to_ticks(options.never_yielded_threshold)),
      retain_ticks_(to_ticks(options.retain_completed_for)),
      created_tick_(ticks()) {}

aggregator::~aggregator() = default;

void aggregator::apply(const event& e) {
  switch (e.kind) {
    case event_kind::task_spawn: return on_spawn(e);
    case event_kind::poll: return on_poll(e);
    case event_kind::task_complete:
      on_complete(e);
      // Keep the count bound between ticks too: a backlog drained at once must not hold
      // a burst of completed tasks until the next tick.
      if (completed_order_.size() > options_.retain_completed_max)
        evict_completed(ticks(), kEvictVisitsPerCompletion);
      return;
    case event_kind::park: return on_park(e);
    case event_kind::await_done: return on_await(e);
    case event_kind::trace_context: return on_trace(e);
    case event_kind::blocking_call: return on_blocking(e);
    case event_kind::worker_start:
      if (worker_stats* w = worker(e.worker)) {
        w->running = true;
        if (w->start_tick == 0) w->start_tick = e.a;
        w->stop_tick = 0;
        w->cpu_clock = static_cast<clockid_t>(e.b);
        w->tid = static_cast<pid_t>(e.c);
        w->watched_poll_begin = 0;
      }
      return;
    case event_kind::worker_stop:
      if (worker_stats* w = worker(e.worker)) {
        w->running = false;
        w->stop_tick = e.a;
      }
      return;
  }
}

aggregator::worker_stats* aggregator::worker(std::int16_t index) {
  if (index < 0) return nullptr;
  if (static_cast<std::size_t>(index) >= workers_.size()) workers_.resize(index + 1);
  return &workers_[index];
}

aggregator::task_stats* aggregator::find_task(const event& e) {
  if (last_task_ && last_task_->id == e.task_id) return last_task_;
  auto it = tasks_.find(e.task_id);
  if (it == tasks_.end()) {
    // The spawn event was lost (full ring): rebuild what the record still says, if the
    // record still belongs to this task (not a late event of a task already forgotten:
    // forgotten records are free or reused). A completed record counts too, or a task
    // whose spawn was dropped but whose completion arrived would never be released.
    if (!record_adoptable(e.slot, e.task_id)) return nullptr;
    event spawn = e;
    spawn.kind = event_kind::task_spawn;
    spawn.a = task_pool::at(e.slot).parent_id;
    spawn.b = e.kind == event_kind::poll ? e.a : ticks();
    on_spawn(spawn);
    it = tasks_.find(e.task_id);
    if (it == tasks_.end()) return nullptr;
  }
  last_task_ = &it->second;
  return last_task_;
}

bool aggregator::record_belongs_to(std::uint32_t slot, std::uint64_t task_id) {
  const task_record& r = task_pool::at(slot);
  return r.id == task_id && r.state.load(std::memory_order_acquire) != record_state::free;
}

bool aggregator::record_adoptable(std::uint32_t slot, std::uint64_t task_id) {
  return record_belongs_to(slot, task_id) &&
         !task_pool::at(slot).unreported.load(std::memory_order_acquire);
}

void aggregator::on_unreported_end(task_record& r) {
  if (tasks_.contains(r.id)) {
    r.unreported.store(false, std::memory_order_release);  // ours to release again
    event e = make_task_event(event_kind::task_complete, r);
    e.worker = -1;
    const std::uint64_t end = r.last_poll_end_tick.load(std::memory_order_relaxed);
    e.a = end != 0 ? end : ticks();
    e.aux = r.failed ? 1 : 0;
    apply(e);
    return;
  }
  // Cheap on purpose: this is the path of a collector that is falling behind. The flag
  // stays set, so a late event of this task cannot make it known (and counted) again.
  ++spawned_;
  ++completed_;
  ended_unknown_.push_back({r.slot, r.id});
}

void aggregator::release_ended_unknown() {
  for (std::size_t visits = ended_unknown_.size(); visits > 0; --visits) {
    const ended_unknown entry = ended_unknown_.front();
    ended_unknown_.pop_front();
    if (!record_belongs_to(entry.slot, entry.id)) continue;
    if (record_busy(task_pool::at(entry.slot))) {
      ended_unknown_.push_back(entry);  // its last poll is still ending
      continue;
    }
    task_pool::release(entry.slot);
  }
}

void aggregator::on_spawn(const event& e) {
  // A spawn arriving after its task was already forgotten (its other events came first,
  // on other threads' rings) must not adopt the slot: it is free or another task's now.
  if (!record_adoptable(e.slot, e.task_id)) return;
  const task_record& r = task_pool::at(e.slot);
  auto [it, inserted] = tasks_.try_emplace(e.task_id);
  if (!inserted) return;
  task_stats& t = it->second;
  t.id = e.task_id;
  t.parent_id = e.a;
  t.slot = e.slot;
  t.spawn_tick = e.b;
  t.name = r.name;  // fields written before the event was published
  t.location = {r.spawn_file, r.spawn_line, r.spawn_function};
  ++spawned_;
}

void aggregator::on_poll(const event& e) {
  task_stats* t = find_task(e);
  const std::uint64_t self = e.c;
  const std::uint64_t sched = e.b > e.a ? e.b - e.a : 0;
  if (t) {
    if ((e.flags & flag_first_poll) || t->polls == 0) t->first_poll_tick = e.b;
    ++t->polls;
    ++t->wakes;
    t->busy += self;
    t->scheduled += sched;
    t->last_poll_end_tick = e.b + self;
    t->poll_hist.record(to_ns(self));
    t->sched_hist.record(to_ns(sched));
    if (e.flags & flag_self_wake) ++t->self_wakes;
    if (e.flags & flag_migrated) ++t->migrations;
    if (self > slow_poll_ticks_) {
      ++t->slow_polls;
      warn("long-poll", t,
           "poll took " + format_ms(to_ns(self)) + " (threshold " +
               format_ms(static_cast<std::uint64_t>(options_.slow_poll_threshold.count())) + ")");
    }
    if (self > never_yielded_ticks_ && !already_reported_never_yielded(e))
      warn("never-yielded", t, "ran " + format_ms(to_ns(self)) + " in one poll without yielding");
  }
  if (worker_stats* w = worker(e.worker)) {
    ++w->polls;
    w->busy += self;
    if (e.flags & flag_steal) ++w->steals;
    if (e.flags & flag_remote) ++w->remote;
    if (e.flags & flag_migrated) ++w->migrations;
  }
}

// The running-poll watcher may have reported this very poll while it ran.
bool aggregator::already_reported_never_yielded(const event& e) const {
  if (e.worker < 0 || static_cast<std::size_t>(e.worker) >= workers_.size()) return false;
  const worker_stats& w = workers_[static_cast<std::size_t>(e.worker)];
  return w.watched_poll_begin == e.b && w.watched_reported_never_yielded;
}

void aggregator::on_complete(const event& e) {
  task_stats* t = find_task(e);
  if (!t || t->completed_tick != 0) return;
  t->completed_tick = e.a;
  t->failed = e.aux != 0;
  ++completed_;
  heap_note_task_completed(t->id, t->location);
  completed_order_.push_back(t->id);
}

void aggregator::on_park(const event& e) {
  worker_stats* w = worker(e.worker);
  if (!w) return;
  ++w->parks;
  w->park_ticks += e.b - e.a;
  if (e.flags & flag_noop_unpark) ++w->noop_unparks;
}

void aggregator::on_await(const event& e) {
  const auto* site = reinterpret_cast<const await_site*>(e.a);
  site_stats& s = sites_[site];
  if (s.count == 0) {
    s.name = site->name;
    s.file = site->file;
    s.line = site->line;
  }
  const std::uint64_t ns = to_ns(e.c > e.b ? e.c - e.b : 0);
  ++s.count;
  s.total_ns += ns;
  s.max_ns = std::max(s.max_ns, ns);
  s.hist.record(ns);
  if (ns > static_cast<std::uint64_t>(options_.slow_await_threshold.count())) {
    ++s.slow;
    const task_stats* t = e.task_id ? find_task(e) : nullptr;
    warn("slow-await", t,
         std::string(site->name) + " at " + site->file + ":" + std::to_string(site->line) +
             " took " + format_ms(ns) + " (threshold " +
             format_ms(static_cast<std::uint64_t>(options_.slow_await_threshold.count())) + ")");
  }
}

void aggregator::on_trace(const event& e) {
  task_stats* t = find_task(e);
  if (!t) return;
  t->has_trace = (e.a | e.b) != 0 && e.c != 0;  // an invalid context clears it
  t->trace_id = t->has_trace ? hex(e.a) + hex(e.b) : std::string();
  t->span_id = t->has_trace ? hex(e.c) : std::string();
}

void aggregator::on_blocking(const event& e) {
  task_stats* t = find_task(e);
  warn("blocking-call-in-task", t,
       "worker " + std::to_string(e.worker) + " blocked for " + format_ms(to_ns(e.b - e.a)) +
           " inside a poll");
}

void aggregator::warn(const char* lint, const task_stats* task, std::string message,
                      std::uint64_t occurrences) {
  warning_key key{lint, task ? task->id : 0};
  auto it = warnings_.find(key);
  if (it == warnings_.end()) {
    if (warnings_.size() >= kMaxWarnings) {
      ++warnings_dropped_;
      return;
    }
    warning_info w;
    w.lint = lint;
    if (task) {
      w.task_id = task->id;
      w.task_name = task->name;
    }
    it = warnings_.emplace(std::move(key), std::move(w)).first;
  }
  warning_info& w = it->second;
  w.occurrences = occurrences ? occurrences : w.occurrences + 1;
  w.message = std::move(message);
  if (task && task->has_trace) {
    w.trace_id = task->trace_id;
    w.span_id = task->span_id;
  }
}

void aggregator::tick() {
  const std::uint64_t now = ticks();
  check_running_polls();
  check_tasks(now);
  evict_completed(now, completed_order_.size());
  release_ended_unknown();
}

// A poll still running is watched across ticks: if its worker's CPU clock advanced by less
// than half the wall time, the worker was blocked inside the poll (sleep, blocking I/O,
// lock); if it has run past the never-yielded threshold, say so before it ends. Time spent
// waiting for a CPU on a busy machine counts as running, not blocked.
void aggregator::check_running_polls() {
  const worker_slot* workers = worker_slots_;
  const std::int64_t wall = monotonic_ns();
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    worker_stats& w = workers_[i];
    const std::uint64_t begin = workers[i].poll_begin_tick.load(std::memory_order_relaxed);
    const std::uint64_t task_id = workers[i].poll_task_id.load(std::memory_order_relaxed);
    if (begin == 0 || !w.running) {
      w.watched_poll_begin = 0;
      continue;
    }
    std::int64_t cpu = thread_cpu_ns(w.cpu_clock);
    if (cpu >= 0) cpu += run_queue_wait_ns(w.tid);
    if (begin != w.watched_poll_begin) {
      w.watched_poll_begin = begin;
      w.watched_cpu_ns = cpu;
      w.watched_wall_ns = wall;
      w.watched_reported_blocking = w.watched_reported_never_yielded = false;
      continue;
    }
    event probe_event{};
    probe_event.task_id = task_id;
    probe_event.slot = workers[i].poll_task_slot.load(std::memory_order_relaxed);
    const task_stats* t = task_id ? find_task(probe_event) : nullptr;
    const std::int64_t wall_delta = wall - w.watched_wall_ns;
    const std::int64_t cpu_delta = cpu - w.watched_cpu_ns;
    if (!w.watched_reported_blocking && cpu >= 0 && wall_delta >= 5'000'000 &&
        cpu_delta * 2 < wall_delta) {
      w.watched_reported_blocking = true;
      warn("blocking-call-in-task", t,
           "worker " + std::to_string(i) + " was off-CPU for " +
               format_ms(static_cast<std::uint64_t>(wall_delta - cpu_delta)) + " of " +
               format_ms(static_cast<std::uint64_t>(wall_delta)) + " inside one poll");
    }
    const std::uint64_t running = ticks() - begin;
    if (!w.watched_reported_never_yielded && running > never_yielded_ticks_) {
      w.watched_reported_never_yielded = true;
      warn("never-yielded", t, "has been running one poll for " + format_ms(to_ns(running)));
    }
  }
}

void aggregator::check_tasks(std::uint64_t now) {
  for (auto& [id, t] : tasks_) {
    const task_record& record = task_pool::at(t.slot);
    if (t.completed_tick == 0 && record.id == id &&
        record.state.load(std::memory_order_acquire) == record_state::completed) {
      // Its completion event was dropped (full ring): the record still says it ended.
      event e{};
      e.task_id = id;
      e.a = now;
      on_complete(e);
    }
    if (t.wakes >= kMinWakesForSelfWakeLint && t.self_wakes * 2 > t.wakes)
      warn("self-wakes", &t,
           std::to_string(t.self_wakes * 100 / t.wakes) + "% of " + std::to_string(t.wakes) +
               " wakes were the task waking itself",
           t.self_wakes);
    if (t.completed_tick != 0 || t.polls == 0) continue;
    if (record.id != id) continue;
    const std::uint64_t wake = record.last_wake_tick.load(std::memory_order_relaxed);
    const std::uint64_t end = record.last_poll_end_tick.load(std::memory_order_relaxed);
    if (end == 0 || wake > end || end >= now) continue;  // running, or woken and waiting
    if (now - end > stuck_ticks_)
      warn("stuck", &t, "idle for " + format_ms(to_ns(now - end)) + " with no pending wake");
  }
}

void aggregator::evict_completed(std::uint64_t now, std::size_t max_visits) {
  for (std::size_t visits = max_visits; visits > 0 && !completed_order_.empty(); --visits) {
    auto it = tasks_.find(completed_order_.front());
    const bool too_many = completed_order_.size() > options_.retain_completed_max;
    if (it != tasks_.end() && !too_many && now - it->second.completed_tick < retain_ticks_) break;
    // Tracked copies of a completed task's executor still around (a saved executor used
    // again), or a poll of it still running: keep the record until they are gone.
    const bool ours = it != tasks_.end() && record_belongs_to(it->second.slot, it->first);
    if (ours && record_in_use(task_pool::at(it->second.slot))) {
      completed_order_.push_back(completed_order_.front());
      completed_order_.pop_front();
      continue;
    }
    if (it != tasks_.end()) {
      if (last_task_ == &it->second) last_task_ = nullptr;
      if (ours) task_pool::release(it->second.slot);
      tasks_.erase(it);
    }
    completed_order_.pop_front();
  }
}

void aggregator::release_all_slots() {
  for (auto& [id, t] : tasks_) {
    task_record& r = task_pool::at(t.slot);
    // Queued as unreported: the collector releases it when it takes the list.
    if (r.id != id || r.unreported.load(std::memory_order_acquire)) continue;
    abandon_task_work(r);
    task_pool::release(t.slot);
  }
  for (const ended_unknown& entry : ended_unknown_)
    if (record_belongs_to(entry.slot, entry.id)) task_pool::release(entry.slot);
  ended_unknown_.clear();
  tasks_.clear();
  completed_order_.clear();
  last_task_ = nullptr;
}

task_info aggregator::to_info(const task_stats& t, std::uint64_t now) const {
  task_info info;
  info.id = t.id;
  info.parent_id = t.parent_id;
  info.name = t.name;
  info.polls = t.polls;
  const std::uint64_t end = t.completed_tick ? t.completed_tick : now;
  info.total = nanoseconds(to_ns(end > t.spawn_tick ? end - t.spawn_tick : 0));
  info.busy = nanoseconds(to_ns(t.busy));
  info.scheduled = nanoseconds(to_ns(t.scheduled));
  info.idle = std::max(nanoseconds(0), info.total - info.busy - info.scheduled);
  if (t.polls) info.first_poll_delay = nanoseconds(to_ns(t.first_poll_tick - t.spawn_tick));
  info.slow_polls = t.slow_polls;
  info.wakes = t.wakes;
  info.self_wakes = t.self_wakes;
  info.migrations = t.migrations;
  info.failed = t.failed;
  info.spawn_location = t.location;
  info.poll_times = t.poll_hist.summarize();
  info.scheduled_times = t.sched_hist.summarize();
  info.trace_id = t.trace_id;
  info.span_id = t.span_id;
  if (t.completed_tick) {
    info.state = task_state::completed;
    return info;
  }
  info.state = task_state::idle;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (workers_[i].running && worker_slots_[i].poll_begin_tick.load(std::memory_order_relaxed) != 0 &&
        worker_slots_[i].poll_task_id.load(std::memory_order_relaxed) == t.id)
      info.state = task_state::running;
  }
  const task_record& r = task_pool::at(t.slot);
  if (info.state == task_state::idle && r.id == t.id &&
      r.last_wake_tick.load(std::memory_order_relaxed) >
          r.last_poll_end_tick.load(std::memory_order_relaxed))
    info.state = task_state::scheduled;
  return info;
}

snapshot aggregator::build(std::uint64_t dropped, std::uint64_t untracked) const {
  const std::uint64_t now = ticks();
  snapshot s;
  s.service_name = options_.service_name;
  s.uptime = nanoseconds(to_ns(now - created_tick_));
  s.tasks.reserve(tasks_.size());
  for (const auto& [id, t] : tasks_) s.tasks.push_back(to_info(t, now));
  std::sort(s.tasks.begin(), s.tasks.end(), [](const task_info& a, const task_info& b) {
    if ((a.state == task_state::completed) != (b.state == task_state::completed))
      return b.state == task_state::completed;
    return a.id < b.id;
  });
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    const worker_stats& w = workers_[i];
    worker_info wi;
    wi.index = static_cast<unsigned>(i);
    wi.polls = w.polls;
    wi.busy = nanoseconds(to_ns(w.busy));
    const std::uint64_t end = w.running ? now : w.stop_tick;
    wi.elapsed = nanoseconds(w.start_tick && end > w.start_tick ? to_ns(end - w.start_tick) : 0);
    wi.busy_ratio = wi.elapsed.count() > 0
                        ? static_cast<double>(wi.busy.count()) / static_cast<double>(wi.elapsed.count())
                        : 0.0;
    wi.parks = w.parks;
    wi.park_time = nanoseconds(to_ns(w.park_ticks));
    wi.noop_unparks = w.noop_unparks;
    wi.steals = w.steals;
    wi.remote_schedules = w.remote;
    wi.migrations = w.migrations;
    wi.running = w.running;
    s.workers.push_back(wi);
  }
  for (const auto& [ptr, site] : sites_) {
    await_site_info a;
    a.name = site.name;
    a.file = site.file;
    a.line = site.line;
    a.count = site.count;
    a.slow_count = site.slow;
    a.total = nanoseconds(site.total_ns);
    a.max = nanoseconds(site.max_ns);
    a.durations = site.hist.summarize();
    s.await_sites.push_back(std::move(a));
  }
  std::sort(s.await_sites.begin(), s.await_sites.end(),
            [](const await_site_info& a, const await_site_info& b) { return a.total > b.total; });
  for (const auto& [key, w] : warnings_) s.warnings.push_back(w);
  s.tasks_spawned = spawned_;
  s.tasks_completed = completed_;
  s.live_tasks = spawned_ - completed_;
  s.dropped_events = dropped;
  s.untracked_spawns = untracked;
  s.dropped_warnings = warnings_dropped_;
  return s;
}

}  // namespace coroscope::detail
