// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "aggregator.hpp"

#include <algorithm>
#include <cstdio>

#include "coroscope/detail/await_site.hpp"
#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/coarse_clock.hpp"
#include "coroscope/detail/task_record.hpp"
#include "coroscope/detail/thread_state.hpp"
#include "coroscope/base/hex.hpp"
#include "coroscope/base/thread_cpu.hpp"
#include "coroscope/core/heap_link.hpp"
#include "recent_samples.hpp"
#include "task_naming.hpp"
#include "thread_sched.hpp"
#include "workers.hpp"

namespace coroscope::detail {
namespace {

using base::thread_cpu_ns;

constexpr std::size_t kMaxWarnings = 1000;
constexpr std::size_t kMaxSites = 4096;
constexpr std::size_t kMaxResources = 4096;
// Timed operations awaiting completion: sets (a power of 2) of a few slots each.
constexpr std::size_t kStartedOpSets = 2048, kStartedOpWays = 4;
constexpr std::uint64_t kMinWakesForSelfWakeLint = 10;
// Completed tasks looked at per completion when over the count bound (records still in
// use are skipped, so more than one); the tick looks at all of them.
constexpr std::size_t kEvictVisitsPerCompletion = 4;

/// A task that is one asynchronous operation (co_spawn of `timer.async_wait(use_awaitable)`,
/// as an awaitable operator spawns each side): "(timer_wait)" after the operation it
/// started; empty before it started one.
std::string operation_task_name(const std::array<std::uint64_t, kOpKinds>& ops) {
  for (unsigned k = 0; k < kOpKinds; ++k)
    if (ops[k] != 0) return std::string("(") + to_string(static_cast<op_kind>(k)) + ")";
  return {};
}

std::uint64_t to_ticks(std::chrono::nanoseconds d) { return ns_to_ticks(d.count()); }
std::uint64_t to_ns(std::uint64_t ticks) {
  return static_cast<std::uint64_t>(ticks_to_ns(static_cast<std::int64_t>(ticks)));
}

std::string format_ms(std::uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(ns) / 1e6);
  return buf;
}

std::uint64_t load(const std::atomic<std::uint64_t>& a) {
  return a.load(std::memory_order_relaxed);
}

}  // namespace

void aggregator::timing::add_exact(std::uint64_t ticks, std::uint64_t short_limit) {
  ++exact;
  exact_ticks += ticks;
  if (ticks < short_limit) {
    ++exact_short;
    exact_short_ticks += ticks;
  }
}

void aggregator::timing::add_long(std::uint64_t ticks) {
  ++long_count;
  long_ticks += ticks;
}

// Polls that were neither timed nor long are short: counted at the mean of the timed
// short ones (the sample is random, so the mean is unbiased).
std::uint64_t aggregator::timing::estimate(std::uint64_t count) const {
  const std::uint64_t known = exact + long_count;
  std::uint64_t total = exact_ticks + long_ticks;
  if (count > known && exact_short > 0)
    total += static_cast<std::uint64_t>(static_cast<double>(count - known) *
                                        static_cast<double>(exact_short_ticks) /
                                        static_cast<double>(exact_short));
  return total;
}

aggregator::aggregator(const resolved_options& options, const worker_table& workers,
                       task_naming& naming)
    : options_(options),
      worker_slots_(workers),
      naming_(naming),
      slow_poll_ticks_(to_ticks(options.slow_poll_threshold)),
      slow_await_ticks_(to_ticks(options.slow_await_threshold)),
      stuck_ticks_(to_ticks(options.stuck_threshold)),
      never_yielded_ticks_(to_ticks(options.never_yielded_threshold)),
      retain_ticks_(to_ticks(options.retain_completed_for)),
      short_poll_ticks_(ns_to_ticks(1'000'000)),
      created_tick_(ticks()),
      recorder_(options.flight_recorder_window.count() > 0
                    ? to_ticks(options.flight_recorder_window)
                    : 0,
                options.flight_recorder_bytes - recorder_sample_bytes(options.flight_recorder_bytes)) {}

aggregator::~aggregator() = default;

void aggregator::apply(const event& e) {
  ++events_applied_;
  if (recorder_.on()) recorder_.record(e);
  switch (e.kind) {
    case event_kind::task_spawn: return on_spawn(e);
    case event_kind::poll_sample: return on_poll_sample(e);
    case event_kind::long_poll: return on_long_poll(e);
    case event_kind::task_complete:
      on_complete(e);
      // Keep the count bound between ticks too: a backlog drained at once must not hold
      // a burst of completed tasks until the next tick.
      if (completed_order_.size() > options_.retain_completed_max)
        evict_completed(ticks(), kEvictVisitsPerCompletion);
      return;
    case event_kind::await_sample: return on_await_sample(e);
    case event_kind::site_count: return on_site_count(e);
    case event_kind::op_start: return on_op_start(e);
    case event_kind::resource_closed: return on_resource_closed(e);
    case event_kind::trace_context: return on_trace(e);
    case event_kind::blocking_call: return on_blocking(e);
    case event_kind::park:
    case event_kind::wake:
    case event_kind::object_cancel: return;  // the recorder's only (above)
    case event_kind::worker_start:
      if (worker_stats* w = worker(e.worker)) {
        const worker_start_fields f = e.as_worker_start();
        w->running = true;
        if (w->start_tick == 0) w->start_tick = f.tick;
        w->stop_tick = 0;
        w->cpu_clock = static_cast<clockid_t>(f.cpu_clock);
        w->tid = static_cast<pid_t>(f.tid);
        // The worker kept its name in its slot as it started (it may have exited by now).
        if (recorder_.on() && w->thread_name.empty())
          if (const worker_slot* slot = worker_slots_.at(static_cast<unsigned>(e.worker)))
            w->thread_name = worker_thread_name(*slot);
        w->watched_poll_begin = 0;
      }
      return;
    case event_kind::worker_stop:
      if (worker_stats* w = worker(e.worker)) {
        w->running = false;
        w->stop_tick = e.as_worker_stop().tick;
      }
      return;
  }
}

aggregator::worker_stats* aggregator::worker(std::int16_t index) {
  if (index < 0 || static_cast<unsigned>(index) >= kMaxWorkers) return nullptr;
  if (static_cast<std::size_t>(index) >= workers_.size()) workers_.resize(index + 1);
  return &workers_[index];
}

aggregator::task_stats* aggregator::find_task(std::uint64_t id, std::uint32_t slot) {
  if (id == 0) return nullptr;
  if (last_task_ && last_task_->id == id) return last_task_;
  auto it = tasks_.find(id);
  if (it == tasks_.end()) {
    // The spawn event was lost (full ring): rebuild what the record still says, if the
    // record still belongs to this task (not a late event of a task already forgotten:
    // forgotten records are free or reused).
    if (!record_belongs_to(slot, id) || task_pool::at(slot).unreported.load()) return nullptr;
    on_spawn(make_spawn_event({0, -1, slot, id}, {task_pool::at(slot).parent_id, ticks()}));
    it = tasks_.find(id);
    if (it == tasks_.end()) return nullptr;
  }
  last_task_ = &it->second;
  return last_task_;
}

bool aggregator::record_belongs_to(std::uint32_t slot, std::uint64_t task_id) {
  const task_record& r = task_pool::at(slot);
  return r.id == task_id && r.state.load(std::memory_order_acquire) != record_state::free;
}

void aggregator::on_unreported_end(task_record& r) {
  if (tasks_.contains(r.id)) {
    r.unreported.store(false, std::memory_order_release);  // ours to release again
    apply(make_complete_event({r.probe, -1, r.slot, r.id}, {ticks(), r.failed}));
    return;
  }
  // Cheap on purpose: this is the path of a collector that is falling behind. The flag
  // stays set, so a late event of this task cannot make it known (and counted) again.
  ++spawned_;
  ++completed_;
  ended_unknown_.push_back({r.slot, r.id});
}

void aggregator::release_ended_unknown() {
  for (const ended_unknown& entry : ended_unknown_)
    if (record_belongs_to(entry.slot, entry.id)) task_pool::release(entry.slot);
  ended_unknown_.clear();
}

void aggregator::on_spawn(const event& e) {
  // A spawn arriving after its task was already forgotten (its other events came first,
  // on other threads' rings) must not adopt the slot: it is free or another task's now.
  if (!record_belongs_to(e.slot, e.task_id)) return;
  const task_record& r = task_pool::at(e.slot);
  auto [it, inserted] = tasks_.try_emplace(e.task_id);
  if (!inserted) return;
  task_stats& t = it->second;
  t.id = e.task_id;
  const spawn_fields f = e.as_spawn();
  t.parent_id = f.parent_id;
  t.slot = e.slot;
  t.spawn_tick = f.tick;
  t.name = r.name;  // fields written before the event was published
  t.named = !t.name.empty();
  if (*r.spawn_file) {
    t.location = {r.spawn_file, r.spawn_line, r.spawn_function};
    t.located = true;
  }
  ++spawned_;
}

void aggregator::note_long_poll(task_stats* t, std::uint64_t length, bool exact) {
  if (length <= slow_poll_ticks_) return;
  if (t) ++t->slow_polls;
  warn("long-poll", t,
       std::string(exact ? "poll took " : "poll took at least ") + format_ms(to_ns(length)) +
           " (threshold " +
           format_ms(static_cast<std::uint64_t>(options_.slow_poll_threshold.count())) + ")");
  if (length > never_yielded_ticks_)
    warn("never-yielded", t, "ran " + format_ms(to_ns(length)) + " in one poll without yielding");
}

void aggregator::on_poll_sample(const event& e) {
  task_stats* t = find_task(e.task_id, e.slot);
  const poll_fields f = e.as_poll();
  const std::uint64_t length = f.end > f.begin ? f.end - f.begin : 0;
  const bool woken = f.wake_tick != 0 && f.wake_tick <= f.begin;
  if (woken) note_op_wait(static_cast<op_kind>(f.op_kind), f.wake_tick, f.begin, t);
  const bool has_wake = woken && f.op_kind == static_cast<std::uint8_t>(op_kind::post);
  if (t) {
    if (e.flags & flag_first_poll) t->first_poll_tick = f.begin;
    t->busy.add_exact(length, short_poll_ticks_);
    t->poll_hist.record(to_ns(length));
    if (has_wake) {
      ++t->sched_samples;
      t->sched_ticks += f.begin - f.wake_tick;
      t->sched_hist.record(to_ns(f.begin - f.wake_tick));
    }
  } else if (e.task_id == 0) {
    no_task_busy_.add_exact(length, short_poll_ticks_);
  }
  if (worker_stats* w = worker(e.worker)) w->busy.add_exact(length, short_poll_ticks_);
  note_long_poll(t, length, true);
}

namespace {

const char* resource_kind(op_kind kind) {
  switch (kind) {
    case op_kind::socket_read:
    case op_kind::socket_write:
    case op_kind::socket_accept:
    case op_kind::socket_connect:
    case op_kind::socket_other: return "socket";
    case op_kind::timer_wait: return "timer";
    case op_kind::post: return "executor";
    case op_kind::resolve: return "resolver";
    case op_kind::signal_wait: return "signal_set";
    case op_kind::descriptor: return "descriptor";
    case op_kind::channel: return "channel";
    case op_kind::other:
    case op_kind::count_: break;
  }
  return "other";
}

bool has_descriptor(op_kind kind) {
  return std::string_view(resource_kind(kind)) == "socket" || kind == op_kind::descriptor;
}

}  // namespace

void aggregator::on_op_start(const event& e) {
  const op_start_fields f = e.as_op_start();
  const void* object = f.object;
  const auto kind = static_cast<op_kind>(f.op_kind);
  if (object == nullptr) return;
  auto it = resources_.find(object);
  if (it == resources_.end() || it->second.closed) {
    if (it == resources_.end() && resources_.size() >= kMaxResources) {
      // Forget the least recently active (closed ones go first: they are never active).
      auto oldest = resources_.begin();
      for (auto r = resources_.begin(); r != resources_.end(); ++r)
        if (r->second.closed > oldest->second.closed ||
            (r->second.closed == oldest->second.closed &&
             r->second.last_active_tick < oldest->second.last_active_tick))
          oldest = r;
      resources_.erase(oldest);
      ++dropped_resources_;
    }
    resource_stats fresh;  // a new object, or a closed one's address reused
    fresh.id = next_resource_id_++;
    fresh.kind = kind;
    it = resources_.insert_or_assign(object, std::move(fresh)).first;
  }
  resource_stats& r = it->second;
  if (has_descriptor(kind) && f.native_handle != ~std::uint64_t{0})
    r.handle = static_cast<std::int64_t>(f.native_handle);
  r.last_active_tick = f.tick;
  if (f.tick == 0) return;
  // An empty slot of the set, or else the oldest operation's: some never complete
  // (destroyed with their io_context), and a long wait outlives many short ones only
  // when its set is full of newer ones.
  std::span<started_op> set = started_set(f.tick);
  started_op* slot = &set[0];
  for (started_op& s : set) {
    if (s.tick == 0) {
      slot = &s;
      break;
    }
    if (s.tick < slot->tick) slot = &s;
  }
  *slot = {f.tick, object};
}

std::span<aggregator::started_op> aggregator::started_set(std::uint64_t tick) {
  if (started_ops_.empty()) started_ops_.resize(kStartedOpSets * kStartedOpWays);
  // Start ticks of nearby operations differ in their low bits; a multiply spreads them.
  const std::uint64_t mixed = tick * 0x9e3779b97f4a7c15ULL;
  const std::size_t set = (mixed >> 32) & (kStartedOpSets - 1);
  return {started_ops_.data() + set * kStartedOpWays, kStartedOpWays};
}

void aggregator::note_op_wait(op_kind kind, std::uint64_t start, std::uint64_t resumed,
                              const task_stats* t) {
  const std::uint64_t wait = to_ns(resumed - start);
  if (static_cast<unsigned>(kind) < kOpKinds) op_waits_[static_cast<unsigned>(kind)].record(wait);
  if (start == 0 || started_ops_.empty()) return;
  const std::span<started_op> set = started_set(start);
  const auto started = std::find_if(set.begin(), set.end(), [start](const started_op& s) { return s.tick == start; });
  if (started == set.end()) return;
  auto r = resources_.find(started->object);
  *started = {};
  if (r == resources_.end()) return;
  ++r->second.timed;
  r->second.waits.record(wait);
  r->second.last_active_tick = std::max(r->second.last_active_tick, resumed);
  if (t && t->operation_side) {  // the operation is the parent's, which awaits the side
    if (task_stats* parent = parent_of(*t)) t = parent;
  }
  if (t) {
    r->second.last_task_id = t->id;
    r->second.last_task_name = t->name;
  }
}

void aggregator::on_resource_closed(const event& e) {
  for (auto& [object, r] : resources_)
    if (!r.closed && r.handle == static_cast<std::int64_t>(e.as_resource_closed().native_handle) &&
        has_descriptor(r.kind))
      r.closed = true;
}

void aggregator::on_long_poll(const event& e) {
  task_stats* t = find_task(e.task_id, e.slot);
  // Somewhere between shortest and longest: count the middle, lint on the shortest.
  const long_poll_fields f = e.as_long_poll();
  const std::uint64_t middle =
      f.longest == ~std::uint64_t{0} ? f.shortest : f.shortest + (f.longest - f.shortest) / 2;
  if (t) {
    t->busy.add_long(middle);
    t->poll_hist.record(to_ns(middle));
  } else if (e.task_id == 0) {
    no_task_busy_.add_long(middle);
  }
  if (worker_stats* w = worker(e.worker)) w->busy.add_long(middle);
  note_long_poll(t, f.shortest, false);
}

void aggregator::on_complete(const event& e) {
  task_stats* t = find_task(e.task_id, e.slot);
  if (!t || t->completed_tick != 0) return;
  refresh(*t);
  check_self_wakes(*t);
  const complete_fields f = e.as_complete();
  t->completed_tick = f.tick;
  t->failed = f.failed || task_pool::at(t->slot).failed;
  ++completed_;
  heap_note_task_completed(t->id, t->location);
  if (t->operation_side) {
    fold_side(*t);
    ended_sides_.push_back(t->id);
  } else {
    completed_order_.push_back(t->id);
  }
}

// An awaitable operator spawns a task for each side of `co_await (a || b)`: two ended
// tasks for every such await, which would crowd the user's own ended tasks out of the
// retained ones (and make the task list megabytes long). An ended side is its parent's
// operation: its counts move to the parent, and it is forgotten at once.
void aggregator::fold_side(task_stats& side) {
  task_stats* parent = parent_of(side);
  auto& into = parent ? parent->side_ops : forgotten_ops_;
  for (unsigned k = 0; k < kOpKinds; ++k) {
    into[k] += side.ops[k] + side.side_ops[k];
    side.ops[k] = side.side_ops[k] = 0;
  }
}

aggregator::task_stats* aggregator::parent_of(const task_stats& t) {
  const auto parent = tasks_.find(t.parent_id);
  return parent != tasks_.end() ? &parent->second : nullptr;
}

aggregator::site_stats& aggregator::site(const void* key) {
  auto [it, inserted] = sites_.try_emplace(key);
  if (inserted) {
    const auto* s = static_cast<const await_site*>(key);
    it->second.name = s->name;
    it->second.file = s->file;
    it->second.line = s->line;
  }
  return it->second;
}

void aggregator::on_await_sample(const event& e) {
  const await_fields f = e.as_await();
  if (sites_.size() >= kMaxSites && !sites_.contains(f.site)) return;
  site_stats& s = site(f.site);
  const bool exact = f.shortest == f.longest;
  const std::uint64_t middle =
      f.longest == ~std::uint64_t{0} ? f.shortest : f.shortest + (f.longest - f.shortest) / 2;
  ++s.samples;
  s.sample_ticks += middle;
  s.max_ticks = std::max(s.max_ticks, middle);
  s.hist.record(to_ns(middle));
  if (f.shortest > slow_await_ticks_) {
    ++s.slow;
    task_stats* t = find_task(e.task_id, e.slot);
    // The end of an await told while it waited is that same slow await: not one more.
    const bool told = t && t->slow_wait_site == f.site;
    if (told) t->slow_wait_site = nullptr;
    warn("slow-await", t,
         slow_await_text(s.name, s.file, s.line,
                         std::string("took ") + (exact ? "" : "at least ") + format_ms(to_ns(f.shortest))) +
             (told && !t->waiting_stack.empty() ? ", in " + t->waiting_stack : ""),
         told ? std::max<std::uint64_t>(occurrences("slow-await", t->id), 1) : 0);
  }
}

void aggregator::on_site_count(const event& e) {
  const site_count_fields f = e.as_site_count();
  if (sites_.size() >= kMaxSites && !sites_.contains(f.site)) return;
  site(f.site).flushed += f.count;
}

void aggregator::on_trace(const event& e) {
  task_stats* t = find_task(e.task_id, e.slot);
  if (!t) return;
  const trace_fields f = e.as_trace();
  t->has_trace = (f.trace_high | f.trace_low) != 0 && f.span_id != 0;  // invalid: clears it
  t->trace_id = t->has_trace ? base::hex(f.trace_high) + base::hex(f.trace_low) : std::string();
  t->span_id = t->has_trace ? base::hex(f.span_id) : std::string();
}

void aggregator::on_blocking(const event& e) {
  task_stats* t = find_task(e.task_id, e.slot);
  const blocking_fields f = e.as_blocking();
  warn("blocking-call-in-task", t,
       "worker " + std::to_string(e.worker) + " blocked for " + format_ms(to_ns(f.end - f.begin)) +
           " inside a poll");
}

void aggregator::warn(const char* lint, const task_stats* task, std::string message,
                      std::uint64_t occurrences) {
  warning_key key{lint, task ? task->id : 0};
  auto it = warnings_.find(key);
  // A state lint (one given its count) is re-reported at every tick: the recorder keeps
  // its first firing, and for `stuck` the first of each idle stretch (its count of
  // stretches grew); event lints (a slow poll, ...) every time.
  const bool restated =
      it != warnings_.end() && occurrences != 0 &&
      (key.lint != "stuck" || occurrences == it->second.occurrences);
  if (recorder_.on() && !restated) {
    const std::uint64_t tick = ticks();
    recorder_.record_lint(lint, key.task_id, tick, message);
    recent_lints_.push_back({++lint_seq_, lint, key.task_id});
    if (recent_lints_.size() > kMaxRecentLints) recent_lints_.pop_front();
  }
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
  evict_completed(now, std::max(completed_order_.size(), ended_sides_.size()));
  release_ended_unknown();
}

// A poll still running is watched across ticks: if its worker's CPU clock advanced by less
// than half the wall time, the worker was blocked inside the poll (sleep, blocking I/O,
// lock); if it has run past the never-yielded threshold, say so before it ends. Time spent
// waiting for a CPU on a busy machine counts as running, not blocked.
void aggregator::check_running_polls() {
  const std::int64_t wall = monotonic_ns();
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    worker_stats& w = workers_[i];
    const worker_slot* slot = i < worker_slots_.size() ? worker_slots_.at(static_cast<unsigned>(i)) : nullptr;
    const std::uint64_t current = slot ? load(slot->current_poll) : 0;
    if (current == 0 || !w.running) {
      w.watched_poll_begin = 0;
      continue;
    }
    // Packed: the same value again is the same poll (its sequence and task).
    const std::uint64_t begin = current;
    std::int64_t cpu = thread_cpu_ns(w.cpu_clock);
    if (begin != w.watched_poll_begin) {
      // A new poll, watched from its thread's CPU clock (one clock read). /proc's run-queue
      // wait and context switches are read from the next tick, for a poll still running
      // then: a busy worker's polls rarely are, and two file reads a tick for every poll
      // were a sixth of the collector's time.
      w.watched_poll_begin = begin;
      w.watched_cpu_ns = cpu;
      w.watched_wall_ns = wall;
      w.watched_run_queue_ns = -1;
      w.watched_reported_blocking = w.watched_reported_never_yielded = false;
      continue;
    }
    if (cpu >= 0) {
      // The wait for a CPU counts as running; it is known from the second tick on (what
      // the first tick missed can only make the worker look blocked, which the voluntary
      // switches below then check).
      const std::int64_t queued = run_queue_wait_ns(w.tid);
      if (w.watched_run_queue_ns < 0) {
        w.watched_run_queue_ns = queued;
        w.watched_voluntary_switches = read_blocking_view(w.tid).voluntary_switches;
      }
      cpu += queued - w.watched_run_queue_ns;
    }
    const std::uint32_t task_slot = current_poll_slot(current);
    const task_stats* t =
        task_slot ? find_task(task_pool::at(task_slot - 1).id, task_slot - 1) : nullptr;
    const std::int64_t wall_delta = wall - w.watched_wall_ns;
    const std::int64_t cpu_delta = cpu - w.watched_cpu_ns;
    // Off-CPU for most of the poll, and the thread gave up its CPU itself (it sleeps now, or
    // has since the watch began): a worker only preempted (a loaded machine, where
    // schedstat says nothing) did not block. /proc is read only once the rest holds.
    const auto gave_up_cpu = [&] {
      const blocking_view view = read_blocking_view(w.tid);
      return !view.known || view.sleeping ||
             view.voluntary_switches > w.watched_voluntary_switches;
    };
    if (!w.watched_reported_blocking && cpu >= 0 && wall_delta >= 5'000'000 &&
        cpu_delta * 2 < wall_delta && gave_up_cpu()) {
      w.watched_reported_blocking = true;
      warn("blocking-call-in-task", t,
           "worker " + std::to_string(i) + " was off-CPU for " +
               format_ms(static_cast<std::uint64_t>(wall_delta - cpu_delta)) + " of " +
               format_ms(static_cast<std::uint64_t>(wall_delta)) + " inside one poll");
    }
    const std::uint64_t now = ticks();
    const std::uint64_t started = g_coarse_clock.tick_of(current_poll_seq(current) + 1);
    const std::uint64_t running = now > started ? now - started : 0;
    if (!w.watched_reported_never_yielded && running > never_yielded_ticks_) {
      w.watched_reported_never_yielded = true;
      warn("never-yielded", t, "has been running one poll for " + format_ms(to_ns(running)));
    }
  }
}

bool aggregator::workers_idle(std::uint64_t& parks) const noexcept {
  for (unsigned i = 0; i < worker_slots_.size(); ++i) {
    const worker_slot* slot = worker_slots_.at(i);
    if (slot == nullptr || !slot->idle.load(std::memory_order_relaxed)) return false;
    parks += slot->parks.load(std::memory_order_relaxed);
  }
  return true;
}

void aggregator::refresh(task_stats& t) {
  if (folded(t) || !record_belongs_to(t.slot, t.id)) return;
  const task_record& r = task_pool::at(t.slot);
  t.polls = load(r.polls);
  t.self_wakes = load(r.self_wakes);
  t.migrations = load(r.migrations);
  for (unsigned k = 0; k < kOpKinds; ++k) t.ops[k] = r.ops[k].load(std::memory_order_relaxed);
  if (!t.named) {
    std::uintptr_t fn = r.entry_fn.load(std::memory_order_relaxed);
    if (fn == 0) fn = walked_entry_function(t, r);
    if (fn != 0) {
      std::string name = naming_.coroutine_name(fn);
      // A side has the coroutine that awaits it as its parent.
      t.operation_side = t.parent_id != 0 && naming_.is_operation(fn);
      if (name.empty()) name = operation_task_name(t.ops);
      if (!name.empty()) {
        t.name = std::move(name);
        t.named = true;
        task_pool::at(t.slot).store_name(t.name);  // for CPU samples' labels
      }
    }
  }
  if (!t.located) {
    t.location = naming_.spawn_site(r.spawn_pcs, kSpawnFrames);
    t.located = true;
  }
}

void aggregator::check_self_wakes(const task_stats& t) {
  if (t.polls >= kMinWakesForSelfWakeLint && t.self_wakes * 2 > t.polls)
    warn("self-wakes", &t,
         std::to_string(t.self_wakes * 100 / t.polls) + "% of " + std::to_string(t.polls) +
             " wakes were the task waking itself",
         t.self_wakes);
}

std::uintptr_t aggregator::walked_entry_function(task_stats& t, const task_record& record) {
  // A coroutine whose suspensions Asio's hooks do not see (it awaits deferred operations:
  // `co_await timer.async_wait(deferred)`) is never named on the hot path. Walked once per
  // poll count while it stays unnamed; the frame above the root is its own coroutine.
  const std::uint64_t polls = record.polls.load(std::memory_order_relaxed);
  if (polls == 0 || t.entry_walk_polls == polls) return 0;
  t.entry_walk_polls = polls;
  walked_chain chain;
  bool cut = false;
  if (walk_task(record, chain, foreign_memory{}, &cut) != walk_result::suspended || cut ||
      chain.pcs.empty())
    return 0;
  return chain.pcs.back();
}

const std::string& aggregator::waiting_stack(task_stats& t, const task_record& record) {
  const std::uint64_t polls = record.polls.load(std::memory_order_relaxed);
  if (t.waiting_stack_polls == polls) return t.waiting_stack;
  t.waiting_stack_polls = polls;
  t.waiting_stack.clear();
  walked_chain chain;
  // The symbolizer is the one task naming uses here, under the collector's lock too.
  if (walk_task(record, chain, foreign_memory{}) == walk_result::suspended)
    t.waiting_stack = one_line(symbolize_async_stack(chain));
  return t.waiting_stack;
}

// A slow await is told once while it still waits (with where), not only when it ends: a
// task waiting for minutes on a lost reply would otherwise say nothing until then.
void aggregator::check_slow_wait(task_stats& t, const task_record& record) {
  const await_site* site = record.awaiting.load(std::memory_order_acquire);
  if (!site) return;
  const std::uint64_t since = record.awaiting_since.load(std::memory_order_relaxed);
  if (site == t.slow_wait_site && since == t.slow_wait_since) return;  // told already
  const std::uint64_t waited = g_coarse_clock.ticks_since(since + 1);
  if (waited <= slow_await_ticks_) return;
  t.slow_wait_site = site;
  t.slow_wait_since = since;
  const std::string& where = waiting_stack(t, record);
  warn("slow-await", &t,
       slow_await_text(site->name, site->file, site->line, "still waiting after " + format_ms(to_ns(waited))) +
           (where.empty() ? "" : ", in " + where));
}

// "<site> at <file>:<line> <what> (threshold <t>)": the slow-await message, while it waits
// and when it ends.
std::string aggregator::slow_await_text(std::string_view name, std::string_view file, unsigned line,
                                        const std::string& what) const {
  return std::string(name) + " at " + std::string(file) + ":" + std::to_string(line) + " " + what +
         " (threshold " + format_ms(static_cast<std::uint64_t>(options_.slow_await_threshold.count())) + ")";
}

std::uint64_t aggregator::occurrences(const char* lint, std::uint64_t task_id) const {
  const auto it = warnings_.find(warning_key{lint, task_id});
  return it == warnings_.end() ? 0 : it->second.occurrences;
}

void aggregator::check_tasks(std::uint64_t now) {
  for (auto& [id, t] : tasks_) {
    if (t.completed_tick != 0) continue;
    refresh(t);
    check_self_wakes(t);
    if (t.polls == 0 || !record_belongs_to(t.slot, id)) continue;
    const task_record& record = task_pool::at(t.slot);
    const std::uint64_t end_seq = record.last_poll_end.load(std::memory_order_relaxed);
    if (wake_pending(record) || is_running(t)) continue;
    // Idle since stamp end_seq + 1 at the latest; past the clock's history (about a
    // second) its age is extrapolated, so thresholds of minutes are reached.
    const std::uint64_t idle = g_coarse_clock.ticks_since(end_seq + 1);
    check_slow_wait(t, record);
    if (idle > stuck_ticks_) {
      // Each idle stretch is one occurrence, however many ticks it lasts.
      std::uint64_t stretches = occurrences("stuck", t.id);
      if (t.stuck_polls != t.polls) {
        t.stuck_polls = t.polls;
        ++stretches;
      }
      const std::string& where = waiting_stack(t, record);
      warn("stuck", &t,
           "idle for " + format_ms(to_ns(idle)) + " with no pending wake" +
               (where.empty() ? "" : ", waiting in " + where),
           stretches);
    }
  }
  (void)now;
}

void aggregator::evict_completed(std::uint64_t now, std::size_t max_visits) {
  for (std::size_t visits = max_visits; visits > 0 && !completed_order_.empty(); --visits) {
    const std::uint64_t id = completed_order_.front();
    const auto it = tasks_.find(id);
    const bool too_many = completed_order_.size() > options_.retain_completed_max;
    if (it != tasks_.end() && !too_many && now - it->second.completed_tick < retain_ticks_) break;
    completed_order_.pop_front();
    if (!forget_completed(id)) completed_order_.push_back(id);
  }
  for (std::size_t visits = std::min(max_visits, ended_sides_.size()); visits > 0; --visits) {
    const std::uint64_t id = ended_sides_.front();
    ended_sides_.pop_front();
    if (!forget_completed(id)) ended_sides_.push_back(id);
  }
}

bool aggregator::forget_completed(std::uint64_t id) {
  const auto it = tasks_.find(id);
  if (it == tasks_.end()) return true;
  task_stats& t = it->second;
  const bool ours = record_belongs_to(t.slot, id);
  // Queued as unreported, or its last poll still running: keep the record a while.
  if (ours && (record_in_use(task_pool::at(t.slot)) || is_running(t))) return false;
  if (ours) refresh(t);
  for (unsigned k = 0; k < kOpKinds; ++k) forgotten_ops_[k] += t.ops[k] + t.side_ops[k];
  if (last_task_ == &t) last_task_ = nullptr;
  if (ours) task_pool::release(t.slot);
  tasks_.erase(it);
  return true;
}

void aggregator::release_all_slots() {
  for (auto& [id, t] : tasks_) {
    if (!record_belongs_to(t.slot, id)) continue;
    task_record& r = task_pool::at(t.slot);
    // Queued as unreported: the collector releases it when it takes the list.
    if (r.unreported.load(std::memory_order_acquire)) continue;
    record_state live = record_state::live;
    // Still running coroutines hold their records (the hook on their root executor):
    // released when they end (on_task_end queues them, no probe takes them).
    if (r.state.compare_exchange_strong(live, record_state::abandoned, std::memory_order_acq_rel))
      continue;
    task_pool::release(t.slot);
  }
  release_ended_unknown();
  tasks_.clear();
  completed_order_.clear();
  ended_sides_.clear();
  last_task_ = nullptr;
}

std::vector<walked_task> aggregator::walk_live_tasks(std::uint64_t only, std::uint64_t* ended) {
  std::vector<walked_task> out;
  const foreign_memory memory;
  for (auto& [id, t] : tasks_) {
    if ((only != 0 && id != only) || t.completed_tick != 0 || !record_belongs_to(t.slot, id))
      continue;
    const task_record& record = task_pool::at(t.slot);
    walked_task w;
    w.task.id = id;
    w.task.parent_id = t.parent_id;
    w.task.name = t.name;
    w.task.polls = record.polls.load(std::memory_order_relaxed);
    const walk_result walked =
        is_running(t) ? walk_result::running
                      : walk_task(record, w.chain, memory, &w.task.async_stack_cut);
    if (walked == walk_result::ended) {  // ending right now
      if (ended) ++*ended;
      continue;
    }
    switch (walked) {
      case walk_result::running: w.task.state = dump_state::running; break;
      case walk_result::not_started: w.task.state = dump_state::starting; break;
      default: w.task.state = wake_pending(record) ? dump_state::queued : dump_state::waiting;
    }
    if (w.task.state == dump_state::waiting || w.task.state == dump_state::queued) {
      w.task.waiting_for =
          nanoseconds(to_ns(g_coarse_clock.ticks_since(record.last_poll_end.load(std::memory_order_relaxed) + 1)));
      if (const await_site* site = record.awaiting.load(std::memory_order_acquire)) {
        const std::uint64_t since = record.awaiting_since.load(std::memory_order_relaxed);
        w.task.awaiting = awaited_site{site->name, site->file, site->line,
                                       nanoseconds(to_ns(g_coarse_clock.ticks_since(since + 1)))};
      }
    }
    out.push_back(std::move(w));
  }
  std::sort(out.begin(), out.end(),
            [](const walked_task& a, const walked_task& b) { return a.task.id < b.task.id; });
  return out;
}

bool aggregator::is_running(const task_stats& t) const {
  // By slot, not by the record's id: a worker may be polling a task whose record another
  // thread has only just taken (and written its id), unknown here yet. The slot is still
  // `t`'s: the collector alone releases records.
  for (unsigned i = 0; i < worker_slots_.size(); ++i) {
    const worker_slot* s = worker_slots_.at(i);
    if (!s) continue;
    if (current_poll_slot(load(s->current_poll)) == t.slot + 1) return true;
  }
  return false;
}

task_info aggregator::to_info(const task_stats& t, std::uint64_t now) const {
  task_info info;
  info.id = t.id;
  info.parent_id = t.parent_id;
  info.name = t.name;
  info.polls = t.polls;
  const std::uint64_t end = t.completed_tick ? t.completed_tick : now;
  info.total = nanoseconds(to_ns(end > t.spawn_tick ? end - t.spawn_tick : 0));
  info.busy = nanoseconds(to_ns(t.busy.estimate(t.polls)));
  // Scheduling is timed only for a post's wake (an I/O or timer wake's wait is the
  // operation's, not the scheduler's): the sampled mean times the polls a post may have
  // woken, not every poll (a task sleeping on timers is idle, not scheduled).
  const std::uint64_t post_wakes =
      std::min(t.polls, t.ops[static_cast<unsigned>(op_kind::post)]);
  if (t.sched_samples > 0)
    info.scheduled = nanoseconds(to_ns(static_cast<std::uint64_t>(
        static_cast<double>(t.sched_ticks) / static_cast<double>(t.sched_samples) *
        static_cast<double>(post_wakes))));
  info.busy = std::min(info.busy, info.total);
  info.scheduled = std::min(info.scheduled, info.total - info.busy);
  info.idle = std::max(nanoseconds(0), info.total - info.busy - info.scheduled);
  if (t.first_poll_tick > t.spawn_tick)
    info.first_poll_delay = nanoseconds(to_ns(t.first_poll_tick - t.spawn_tick));
  info.slow_polls = t.slow_polls;
  info.wakes = t.polls;
  info.self_wakes = t.self_wakes;
  info.migrations = t.migrations;
  info.failed = t.failed;
  info.spawn_location = t.location;
  info.poll_times = t.poll_hist.summarize();
  info.scheduled_times = t.sched_hist.summarize();
  info.trace_id = t.trace_id;
  info.span_id = t.span_id;
  for (unsigned k = 0; k < kOpKinds; ++k)
    if (const std::uint64_t n = t.ops[k] + t.side_ops[k])
      info.operations.push_back({to_string(static_cast<op_kind>(k)), n});
  if (t.completed_tick) {
    info.state = task_state::completed;
    return info;
  }
  info.state = is_running(t) ? task_state::running : task_state::idle;
  const task_record& r = task_pool::at(t.slot);
  if (info.state == task_state::idle && r.id == t.id && wake_pending(r))
    info.state = task_state::scheduled;
  return info;
}

snapshot aggregator::build(std::uint64_t dropped, std::uint64_t untracked,
                           const live_site_counts& live_sites) {
  const std::uint64_t now = ticks();
  snapshot s;
  s.service_name = options_.service_name;
  s.uptime = nanoseconds(to_ns(now - created_tick_));
  s.tasks.reserve(tasks_.size());
  for (auto& [id, t] : tasks_) {
    if (folded(t)) continue;
    if (t.completed_tick == 0 || record_belongs_to(t.slot, id)) refresh(t);
    s.tasks.push_back(to_info(t, now));
  }
  std::sort(s.tasks.begin(), s.tasks.end(), [](const task_info& a, const task_info& b) {
    if ((a.state == task_state::completed) != (b.state == task_state::completed))
      return b.state == task_state::completed;
    return a.id < b.id;
  });
  const unsigned slots = worker_slots_.size();
  if (workers_.size() < slots) workers_.resize(slots);
  std::uint64_t no_task_polls = 0;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    const worker_stats& w = workers_[i];
    const worker_slot* slot = i < slots ? worker_slots_.at(static_cast<unsigned>(i)) : nullptr;
    worker_info wi;
    wi.index = static_cast<unsigned>(i);
    if (slot) {
      wi.polls = load(slot->polls);
      wi.parks = load(slot->parks);
      wi.park_time = nanoseconds(to_ns(load(slot->park_ticks)));
      wi.noop_unparks = load(slot->noop_unparks);
      wi.steals = load(slot->steals);
      wi.remote_schedules = load(slot->remote);
      wi.migrations = load(slot->migrations);
      no_task_polls += load(slot->no_task_polls);
    }
    wi.busy = nanoseconds(to_ns(w.busy.estimate(wi.polls)));
    const std::uint64_t end = w.running ? now : w.stop_tick;
    wi.elapsed = nanoseconds(w.start_tick && end > w.start_tick ? to_ns(end - w.start_tick) : 0);
    wi.busy = std::min(wi.busy, wi.elapsed);
    wi.busy_ratio = wi.elapsed.count() > 0
                        ? static_cast<double>(wi.busy.count()) / static_cast<double>(wi.elapsed.count())
                        : 0.0;
    wi.running = w.running;
    s.workers.push_back(wi);
  }
  s.no_task.polls = no_task_polls;
  s.no_task.busy = nanoseconds(to_ns(no_task_busy_.estimate(no_task_polls)));
  for (const auto& [key, live] : live_sites)
    if (live && (sites_.size() < kMaxSites || sites_.contains(key))) site(key);
  for (const auto& [key, st] : sites_) {
    await_site_info a;
    a.name = st.name;
    a.file = st.file;
    a.line = st.line;
    const auto live = live_sites.find(key);
    a.count = st.flushed + (live == live_sites.end() ? 0 : live->second);
    a.count = std::max(a.count, st.samples);
    a.slow_count = st.slow;
    if (st.samples > 0)
      a.total = nanoseconds(to_ns(static_cast<std::uint64_t>(
          static_cast<double>(st.sample_ticks) / static_cast<double>(st.samples) *
          static_cast<double>(a.count))));
    a.max = nanoseconds(to_ns(st.max_ticks));
    a.durations = st.hist.summarize();
    s.await_sites.push_back(std::move(a));
  }
  std::sort(s.await_sites.begin(), s.await_sites.end(),
            [](const await_site_info& a, const await_site_info& b) { return a.total > b.total; });
  std::array<std::uint64_t, kOpKinds> op_counts = forgotten_ops_;
  for (const auto& [id, t] : tasks_)
    for (unsigned k = 0; k < kOpKinds; ++k) op_counts[k] += t.ops[k] + t.side_ops[k];
  for (unsigned i = 0; i < slots; ++i)  // and those started outside any task
    if (const worker_slot* slot = worker_slots_.at(i))
      for (unsigned k = 0; k < kOpKinds; ++k) op_counts[k] += load(slot->no_task_ops[k]);
  for (unsigned k = 0; k < kOpKinds; ++k) {
    if (op_counts[k] == 0 && op_waits_[k].count() == 0) continue;
    s.operation_kinds.push_back(
        {to_string(static_cast<op_kind>(k)), op_counts[k], op_waits_[k].summarize()});
  }
  std::sort(s.operation_kinds.begin(), s.operation_kinds.end(),
            [](const operation_kind_info& a, const operation_kind_info& b) { return a.count > b.count; });
  std::vector<std::pair<std::uint64_t, resource_info>> resources;
  resources.reserve(resources_.size());
  for (const auto& [object, r] : resources_) {
    resource_info info;
    info.id = r.id;
    info.kind = resource_kind(r.kind);
    info.native_handle = r.handle;
    info.closed = r.closed;
    info.timed_operations = r.timed;
    info.waits = r.waits.summarize();
    info.last_task_id = r.last_task_id;
    // Its name now: a task may have been named only after the operation ended.
    const auto last = tasks_.find(r.last_task_id);
    info.last_task_name = last != tasks_.end() ? last->second.name : r.last_task_name;
    resources.emplace_back(r.last_active_tick, std::move(info));
  }
  std::sort(resources.begin(), resources.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  for (auto& [tick, info] : resources) s.resources.push_back(std::move(info));
  s.dropped_resources = dropped_resources_;
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
