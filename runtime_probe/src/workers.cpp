// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Workers are found, not declared: the first time a thread invokes a handler of a probe's
// io_context (or parks in its run loop), the hooks ask Asio's call stack which run loop
// the thread is in (refresh_worker). So every thread that runs the io_context (run,
// run_one, run_for, run_until, poll, poll_one) is a worker, whoever started it.
#include "workers.hpp"

#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <mutex>
#include <vector>

#include <boost/asio/detail/thread_context.hpp>

#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/poll_hooks.hpp"
#include "coroscope/sampler.hpp"
#include "probe_registry.hpp"

namespace coroscope::detail {
namespace {

/// Worker slots are never freed (a thread may still hold one whose probe has gone: it
/// notices the new generation), only recycled.
struct slot_pool {
  std::mutex mutex;
  std::deque<worker_slot> slots;  // stable addresses
  std::vector<worker_slot*> free;
};

slot_pool& the_pool() {
  static slot_pool* p = new slot_pool;  // leaked on purpose, like the task pool
  return *p;
}

worker_slot* acquire_slot() noexcept {
  slot_pool& p = the_pool();
  std::lock_guard lock(p.mutex);
  if (!p.free.empty()) {
    worker_slot* s = p.free.back();
    p.free.pop_back();
    return s;
  }
  try {
    return &p.slots.emplace_back();
  } catch (...) {
    return nullptr;
  }
}

void release_slot(worker_slot* s) noexcept {
  s->generation.fetch_add(1, std::memory_order_release);
  slot_pool& p = the_pool();
  std::lock_guard lock(p.mutex);
  try {
    p.free.push_back(s);
  } catch (...) {
    // Kept out of the pool: a slot less to recycle, never a double owner.
  }
}

void reset(worker_slot& s, std::uint16_t probe, std::int16_t index) noexcept {
  s.probe = probe;
  s.index = index;
  for (auto* counter : {&s.current_poll, &s.polls, &s.no_task_polls, &s.parks, &s.park_ticks,
                        &s.noop_unparks, &s.steals, &s.remote, &s.migrations})
    counter->store(0, std::memory_order_relaxed);
  for (auto& count : s.no_task_ops) count.store(0, std::memory_order_relaxed);
  s.idle.store(false, std::memory_order_relaxed);
}

/// Keeps the calling thread's name in its slot: the collector reads it when the worker's
/// start arrives, and the thread may have exited by then (/proc no longer has it).
void keep_thread_name(worker_slot& s) noexcept {
  char name[16] = {};
  ::prctl(PR_GET_NAME, name);  // the calling thread's; no allocation, cannot block
  std::uint64_t words[2];
  std::memcpy(words, name, sizeof words);
  for (std::size_t i = 0; i < 2; ++i) s.thread_name[i].store(words[i], std::memory_order_relaxed);
}

void emit_worker_event(event_kind kind) noexcept {
  const thread_state& st = t_state;
  const event_source from{st.probe, st.worker_index};
  if (kind == event_kind::worker_stop) {
    emit_event(make_worker_stop_event(from, {ticks()}));
    return;
  }
  clockid_t cpu_clock = CLOCK_THREAD_CPUTIME_ID;
  pthread_getcpuclockid(pthread_self(), &cpu_clock);
  emit_event(make_worker_start_event(
      from, {ticks(), static_cast<std::uint64_t>(cpu_clock),
             static_cast<std::uint64_t>(st.worker->tid.load(std::memory_order_relaxed))}));
}

/// A thread that became a worker on its own says it stopped when it exits.
struct exit_guard {
  bool armed = false;
  ~exit_guard() {
    if (armed && t_state.worker) stop_being_worker();
  }
};
thread_local exit_guard t_exit_guard;

}  // namespace

std::string worker_thread_name(const worker_slot& s) {
  char name[17] = {};
  for (std::size_t i = 0; i < 2; ++i) {
    const std::uint64_t word = s.thread_name[i].load(std::memory_order_relaxed);
    std::memcpy(name + 8 * i, &word, sizeof word);
  }
  return name;
}

worker_table::~worker_table() {
  for (unsigned i = 0; i < size(); ++i)
    if (worker_slot* s = slots_[i].load(std::memory_order_acquire)) release_slot(s);
}

worker_slot* worker_table::slot_for(std::uint16_t probe, int tid) noexcept {
  for (unsigned i = 0; i < size(); ++i) {
    worker_slot* s = slots_[i].load(std::memory_order_acquire);
    if (s && s->tid.load(std::memory_order_relaxed) == tid) return s;
  }
  const unsigned index = count_.fetch_add(1, std::memory_order_acq_rel);
  if (index >= kMaxWorkers) return nullptr;
  worker_slot* s = acquire_slot();
  if (!s) return nullptr;  // the index stays empty: readers skip it
  reset(*s, probe, static_cast<std::int16_t>(index));
  s->tid.store(tid, std::memory_order_relaxed);
  slots_[index].store(s, std::memory_order_release);
  return s;
}

bool become_worker(worker_table& table, std::uint16_t probe) noexcept {
  thread_state& st = t_state;
  if (st.worker && st.probe == probe &&
      st.worker->generation.load(std::memory_order_relaxed) == st.worker_generation)
    return false;
  worker_slot* s = table.slot_for(probe, static_cast<int>(::syscall(SYS_gettid)));
  if (!s) return false;
  st.worker = s;
  s->idle.store(false, std::memory_order_relaxed);  // a slot kept from an earlier run too
  st.worker_generation = s->generation.load(std::memory_order_relaxed);
  st.probe = probe;
  st.worker_index = s->index;
  st.polls_since_unpark = 1;
  st.last_tick = 0;  // a timestamp from before this run says nothing about its wakes
  restart_timing(st);
  keep_thread_name(*s);
  emit_worker_event(event_kind::worker_start);
  // Workers are always known to the sampler (a ring, no timer until sampling starts), so
  // a profile can start at any time. The sampler unregisters the thread when it exits.
  sampling::register_current_thread();
  t_exit_guard.armed = true;
  g_coarse_clock.wake_if_dozing();  // its first poll may come next
  return true;
}

void stop_being_worker() noexcept {
  thread_state& st = t_state;
  if (st.worker &&
      st.worker->generation.load(std::memory_order_relaxed) == st.worker_generation) {
    emit_worker_event(event_kind::worker_stop);
    st.worker->idle.store(true, std::memory_order_relaxed);  // polls no more as this worker
  }
  st.worker = nullptr;
  st.probe = 0;
  st.worker_index = -1;
  st.checked_run = nullptr;
}

void refresh_worker() noexcept {
  // Every poll on a thread that is no worker comes here (a task resumed on a thread pool):
  // its polls and awaits need a stamping clock, which dozes only while the workers park.
  if (g_coarse_clock.dozing.load(std::memory_order_relaxed) != coarse_clock::awake)
    g_coarse_clock.end_doze(true);
  find_worker();
}

void find_worker() noexcept {
  thread_state& st = t_state;
  if (st.worker &&
      st.worker->generation.load(std::memory_order_relaxed) != st.worker_generation) {
    // Its probe has gone: this is an ordinary thread again, unless it now runs another.
    st.worker = nullptr;
    st.probe = 0;
    st.worker_index = -1;
    st.checked_run = nullptr;
  }
  if (st.worker) return;
  const std::uint32_t epoch = probe_registry::epoch();
  const void* run = boost::asio::detail::thread_context::top_of_thread_call_stack();
  if (run == st.checked_run && epoch == st.checked_epoch) return;
  st.checked_run = run;
  st.checked_epoch = epoch;
  if (run == nullptr) return;  // not inside any Asio run loop
  const probe_registry::entry e = probe_registry::for_this_thread();
  if (e.workers) become_worker(*e.workers, e.id);
}

}  // namespace coroscope::detail
