// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The sampler's control side: options, the thread registry, timers, drain, fork safety.
// None of this runs in the signal handler; it serializes on the registry mutex.
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "governor.hpp"
#include "sampler_state.hpp"

namespace coroscope::sampling {
namespace {

using detail::g_sampler;
using detail::t_slot;
using detail::thread_slot;

void on_fork_prepare() noexcept;
void on_fork_parent() noexcept;
void on_fork_child() noexcept;

/// Every registered thread's slot, live or retired-but-not-drained.
struct registry {
  registry() { pthread_atfork(on_fork_prepare, on_fork_parent, on_fork_child); }

  std::mutex mutex;
  std::vector<std::unique_ptr<thread_slot>> slots;
  /// Samples dropped by the rings of slots already freed (each ring counts its own drops).
  std::uint64_t freed_slots_dropped = 0;
  sampler_options options;
  bool handler_installed = false;
};

// Never destroyed: sampled threads and signals may outlive static destruction.
registry& the_registry() {
  static registry* r = new registry;
  return *r;
}

// Unregisters the thread when it exits (thread_local destructors run on thread exit).
struct exit_guard {
  bool armed = false;
  ~exit_guard() {
    if (armed) unregister_current_thread();
  }
};
thread_local exit_guard t_exit_guard;

// Creates the slot's timer, aimed at its thread. Registry mutex held; no handler can use
// the slot's timer fields (stopped, or the slot's own thread is the caller).
bool create_timer(thread_slot& slot, sample_clock clock) {
  clockid_t clock_id = CLOCK_MONOTONIC;
  if (clock == sample_clock::cpu && pthread_getcpuclockid(slot.thread, &clock_id) != 0)
    return false;
  sigevent event{};
  event.sigev_notify = SIGEV_THREAD_ID;
  event.sigev_signo = SIGPROF;
#ifdef sigev_notify_thread_id
  event.sigev_notify_thread_id = slot.tid;
#else
  event._sigev_un._tid = slot.tid;
#endif
  if (timer_create(clock_id, &event, &slot.timer) != 0) return false;
  slot.has_timer = true;
  slot.armed_period_ns.store(0, std::memory_order_relaxed);
  return true;
}

bool arm_timer(thread_slot& slot, std::uint64_t period_ns) {
  itimerspec spec{};
  spec.it_interval.tv_sec = static_cast<time_t>(period_ns / 1'000'000'000u);
  spec.it_interval.tv_nsec = static_cast<long>(period_ns % 1'000'000'000u);
  spec.it_value = spec.it_interval;
  slot.armed_period_ns.store(period_ns, std::memory_order_relaxed);
  return timer_settime(slot.timer, 0, &spec, nullptr) == 0;
}

void delete_timer(thread_slot& slot) {
  if (!slot.has_timer) return;
  timer_delete(slot.timer);
  slot.has_timer = false;
  slot.armed_period_ns.store(0, std::memory_order_relaxed);
}

void reset_governor_window(std::uint64_t now_ns) {
  g_sampler.window_count.store(0, std::memory_order_relaxed);
  g_sampler.window_cost_ns.store(0, std::memory_order_relaxed);
  g_sampler.window_start_ns.store(now_ns, std::memory_order_relaxed);
  g_sampler.window_busy.store(false, std::memory_order_relaxed);
}

std::uint64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

// fork(): the child has only the forking thread and no POSIX timers. The registry mutex
// is held across fork so the child sees a consistent registry; the child then drops the
// slots of threads that do not exist there and comes up stopped with clean counters.
void on_fork_prepare() noexcept { the_registry().mutex.lock(); }
void on_fork_parent() noexcept { the_registry().mutex.unlock(); }
void on_fork_child() noexcept {
  registry& r = the_registry();
  g_sampler.running.store(false);
  g_sampler.in_flight.store(0);
  for (auto& slot : r.slots) {
    slot->has_timer = false;  // timer ids are not inherited: never delete the parent's
    slot->armed_period_ns.store(0, std::memory_order_relaxed);
  }
  std::erase_if(r.slots, [](const std::unique_ptr<thread_slot>& slot) {
    return slot.get() != t_slot;
  });
  for (auto& slot : r.slots) {
    slot->tid = static_cast<pid_t>(gettid());  // same pthread, new kernel thread id
    slot->ring.clear();  // the parent's samples (and drops) are the parent's
  }
  r.freed_slots_dropped = 0;
  for (auto* counter : {&g_sampler.samples, &g_sampler.dropped_other, &g_sampler.cost_total_ns,
                        &g_sampler.cost_samples, &g_sampler.window_mean_cost_ns})
    counter->store(0, std::memory_order_relaxed);
  reset_governor_window(0);
  r.mutex.unlock();
}

std::string check(const sampler_options& o) {
  if (o.frequency_hz < 1 || o.frequency_hz > 100'000)
    return "sampler: frequency_hz must be in 1..100000, got " + std::to_string(o.frequency_hz);
  if (!(o.max_overhead > 0.0 && o.max_overhead <= 1.0))
    return "sampler: max_overhead must be in (0, 1], got " + std::to_string(o.max_overhead);
  if (o.ring_samples < 1 || o.ring_samples > (1u << 20))
    return "sampler: ring_samples must be in 1..1048576, got " + std::to_string(o.ring_samples);
  if (o.clock != sample_clock::cpu && o.clock != sample_clock::wall)
    return "sampler: unknown clock";
  if (o.unwind != unwinder::frame_pointer && o.unwind != unwinder::libunwind)
    return "sampler: unknown unwinder";
  return {};
}

}  // namespace

void configure(const sampler_options& o) {
  if (std::string error = check(o); !error.empty()) throw std::invalid_argument(error);
  registry& r = the_registry();
  std::lock_guard lock(r.mutex);
  if (g_sampler.running.load()) throw std::logic_error("sampler: configure() while running");
  r.options = o;
  g_sampler.unwind.store(o.unwind, std::memory_order_relaxed);
  g_sampler.requested_hz.store(o.frequency_hz, std::memory_order_relaxed);
  g_sampler.max_overhead.store(o.max_overhead, std::memory_order_relaxed);
  if (o.unwind == unwinder::libunwind) detail::prepare_libunwind();
}

sampler_options options() {
  registry& r = the_registry();
  std::lock_guard lock(r.mutex);
  return r.options;
}

bool start() {
  registry& r = the_registry();
  std::lock_guard lock(r.mutex);
  if (g_sampler.running.load()) return true;
  if (!r.handler_installed) {
    // Installed once and never removed: a signal still queued after stop() must find a
    // handler, or SIGPROF's default action would kill the process.
    struct sigaction action{};
    action.sa_sigaction = detail::handle_sigprof;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGPROF, &action, nullptr) != 0)
      throw std::system_error(errno, std::generic_category(), "sampler: sigaction(SIGPROF)");
    r.handler_installed = true;
  }
  const std::uint64_t period = detail::period_ns_for(r.options.frequency_hz);
  g_sampler.period_ns.store(period, std::memory_order_relaxed);
  reset_governor_window(realtime_ns());
  bool ok = true;
  for (auto& slot : r.slots)
    if (!slot->retired) ok = create_timer(*slot, r.options.clock) && ok;
  g_sampler.running.store(true);
  for (auto& slot : r.slots)
    if (slot->has_timer) ok = arm_timer(*slot, period) && ok;
  return ok;
}

void stop() {
  registry& r = the_registry();
  std::lock_guard lock(r.mutex);
  if (!g_sampler.running.load()) return;
  g_sampler.running.store(false);
  // Handlers that saw running == true finish their sample; the rest ignore the signal.
  while (g_sampler.in_flight.load() != 0) sched_yield();
  for (auto& slot : r.slots) delete_timer(*slot);
}

bool running() noexcept { return g_sampler.running.load(); }

bool register_current_thread() {
  if (t_slot != nullptr) return false;
  registry& r = the_registry();
  std::unique_ptr<thread_slot> slot;
  {
    std::lock_guard lock(r.mutex);
    try {
      slot = std::make_unique<thread_slot>(r.options.ring_samples);
    } catch (const std::bad_alloc&) {
      return false;
    }
  }
  slot->tid = static_cast<pid_t>(gettid());
  slot->thread = pthread_self();
  slot->stack = base::current_thread_stack();
  thread_slot* raw = slot.get();
  t_exit_guard.armed = true;  // first touch registers the thread_local's destructor
  std::lock_guard lock(r.mutex);
  r.slots.push_back(std::move(slot));
  t_slot = raw;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  if (g_sampler.running.load() && create_timer(*raw, r.options.clock))
    arm_timer(*raw, g_sampler.period_ns.load(std::memory_order_relaxed));
  return true;
}

void unregister_current_thread() {
  thread_slot* slot = t_slot;
  if (slot == nullptr) return;
  // From here on this thread's handler ignores the slot (it runs on this thread only, so
  // it cannot be inside the slot right now).
  t_slot = nullptr;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t_exit_guard.armed = false;
  registry& r = the_registry();
  std::lock_guard lock(r.mutex);
  delete_timer(*slot);
  slot->retired = true;
  if (slot->ring.size() == 0)
    std::erase_if(r.slots, [slot](const std::unique_ptr<thread_slot>& s) { return s.get() == slot; });
}

void set_context_hook(context_hook hook) noexcept {
  g_sampler.hook.store(hook, std::memory_order_release);
}

std::size_t drain(std::vector<raw_sample>& out) {
  registry& r = the_registry();
  std::lock_guard lock(r.mutex);
  std::size_t pending = 0;
  for (const auto& slot : r.slots) pending += slot->ring.size();
  // One allocation for what is pending now (more may arrive meanwhile: push_back copes),
  // growing geometrically so callers that append drain after drain stay linear.
  if (const std::size_t need = out.size() + pending; need > out.capacity())
    out.reserve(std::max(need, 2 * out.capacity()));
  std::size_t total = 0;
  for (auto& slot : r.slots)
    total += slot->ring.drain([&out](const raw_sample& s) { out.push_back(s); });
  // A retired slot has no writer left: once empty it can go.
  std::erase_if(r.slots, [&r](const std::unique_ptr<thread_slot>& s) {
    if (!s->retired || s->ring.size() != 0) return false;
    r.freed_slots_dropped += s->ring.dropped();
    return true;
  });
  return total;
}

sampler_stats stats() {
  registry& r = the_registry();
  std::lock_guard lock(r.mutex);
  sampler_stats s;
  s.samples = g_sampler.samples.load(std::memory_order_relaxed);
  s.dropped_ring_full = r.freed_slots_dropped;
  for (const auto& slot : r.slots) s.dropped_ring_full += slot->ring.dropped();
  s.dropped_other = g_sampler.dropped_other.load(std::memory_order_relaxed);
  s.requested_hz = r.options.frequency_hz;
  const std::uint64_t period = g_sampler.period_ns.load(std::memory_order_relaxed);
  s.effective_hz = period == 0 || period == detail::period_ns_for(s.requested_hz)
                       ? s.requested_hz
                       : 1e9 / static_cast<double>(period);
  const std::uint64_t cost = g_sampler.cost_total_ns.load(std::memory_order_relaxed);
  const std::uint64_t costed = g_sampler.cost_samples.load(std::memory_order_relaxed);
  s.mean_sample_cost_ns = costed == 0 ? 0 : cost / costed;
  std::uint64_t window_mean = g_sampler.window_mean_cost_ns.load(std::memory_order_relaxed);
  if (window_mean == 0) window_mean = s.mean_sample_cost_ns;
  s.measured_overhead = static_cast<double>(window_mean) * s.effective_hz * 1e-9;
  s.threads = static_cast<unsigned>(
      std::count_if(r.slots.begin(), r.slots.end(), [](const auto& slot) { return !slot->retired; }));
  return s;
}

}  // namespace coroscope::sampling
