// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "collector.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <new>

#include "coroscope/base/thread_cpu.hpp"
#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/coarse_clock.hpp"
#include "coroscope/detail/task_record.hpp"
#include "task_naming.hpp"
#include "coroscope/detail/thread_state.hpp"

namespace coroscope::detail {
namespace {

// The coarse clock's stamp interval; under load the collector also drains this often,
// when quiet at the probe's interval.
constexpr auto kStampInterval = std::chrono::milliseconds(1);
constexpr std::size_t kBusyThreshold = ring_registry::kRingCapacity / 8;
constexpr auto kLintInterval = std::chrono::milliseconds(10);
constexpr std::chrono::nanoseconds kDefaultInterval = std::chrono::milliseconds(10);
// While every worker is parked: how long the collector sleeps (nothing begins to stamp or
// drain until a worker unparks, and that wakes it). Well under the coarse clock's history
// of 1024 intervals, which must keep stamps from before the doze.
constexpr std::chrono::nanoseconds kIdleDoze = std::chrono::milliseconds(100);

}  // namespace

collector::collector() : naming_(std::make_unique<task_naming>()) {}

collector& collector::instance() {
  static collector* c = new collector;  // leaked: threads may emit during static destruction
  return *c;
}

void collector::add_probe(std::uint16_t id, aggregator* agg) {
  {
    std::lock_guard lock(mutex_);
    probes_[id] = agg;
    probe_count_.fetch_add(1, std::memory_order_relaxed);
  }
  std::lock_guard thread_lock(thread_mutex_);
  if (!thread_.joinable()) {
    thread_ = std::thread([this] { thread_main(); });
    // The thread never exits, so its clock stays valid.
    if (pthread_getcpuclockid(thread_.native_handle(), &cpu_clock_) == 0)
      has_cpu_clock_.store(true, std::memory_order_release);
  }
  wake_.notify_all();
}

void collector::remove_probe(std::uint16_t id) {
  std::lock_guard lock(mutex_);
  drain_locked();
  if (probes_.erase(id)) probe_count_.fetch_sub(1, std::memory_order_relaxed);
}

std::size_t collector::drain_locked() {
  ring_registry& registry = ring_registry::instance();
  const std::vector<ring_entry*> rings = registry.list();
  std::size_t drained = 0;
  std::uint16_t cached_id = 0;
  aggregator* cached = nullptr;
  const auto dispatch = [&](const event& e) {
    if (e.probe != cached_id) {
      auto it = probes_.find(e.probe);
      cached_id = e.probe;
      cached = it == probes_.end() ? nullptr : it->second;
    }
    if (cached) cached->apply(e);
  };
  for (ring_entry* r : rings) {
    const bool orphaned = r->orphaned.load(std::memory_order_acquire);
    drained += r->ring.drain(dispatch);
    if (orphaned) {
      // The thread has exited: its await counts go to the aggregator with its ring.
      const std::uint16_t probe = r->sites.probe.load(std::memory_order_relaxed);
      for (const site_counts::entry& e : r->sites.entries)
        if (const void* site = e.site.load(std::memory_order_acquire))
          dispatch(make_site_count_event(probe, {site, e.count.load(std::memory_order_relaxed)}));
      registry.retire(r);
    }
  }
  take_unreported_locked();  // after the rings: their spawn events first, where kept
  return drained;
}

// A task's end always reaches its aggregator: as an event, or through this list when the
// event was dropped. Records of a probe already gone are released here.
void collector::take_unreported_locked() {
  for (task_record* r = task_pool::take_unreported(); r != nullptr;) {
    task_record* next = task_pool::next_unreported(*r);  // before anything may reuse `r`
    auto it = probes_.find(r->probe);
    if (it != probes_.end()) {
      it->second->on_unreported_end(*r);
    } else {
      r->unreported.store(false, std::memory_order_release);
      task_pool::release(r->slot);
    }
    r = next;
  }
}

live_site_counts collector::live_sites_locked(std::uint16_t id) const {
  live_site_counts counts;
  for (const ring_entry* r : ring_registry::instance().list()) {
    if (r->sites.probe.load(std::memory_order_relaxed) != id) continue;
    for (const site_counts::entry& e : r->sites.entries) {
      const void* site = e.site.load(std::memory_order_acquire);
      const std::uint64_t count = e.count.load(std::memory_order_relaxed);
      if (site && e.site.load(std::memory_order_acquire) == site) counts[site] += count;
    }
  }
  return counts;
}

std::uint64_t collector::dropped_events() const noexcept {
  return ring_registry::instance().dropped();
}

std::uint64_t collector::cpu_ns() const noexcept {
  if (!has_cpu_clock_.load(std::memory_order_acquire)) return 0;
  const std::int64_t ns = base::thread_cpu_ns(cpu_clock_);
  return ns < 0 ? 0 : static_cast<std::uint64_t>(ns);
}

bool collector::workers_idle_locked(std::uint64_t* parks) const noexcept {
  std::uint64_t sum = 0;
  for (const auto& [id, agg] : probes_)
    if (!agg->workers_idle(sum)) return false;
  if (parks) *parks = sum;
  return true;
}

std::chrono::nanoseconds collector::quiet_interval_locked() const noexcept {
  std::chrono::nanoseconds quiet = kDefaultInterval;
  if (!probes_.empty()) {
    quiet = probes_.begin()->second->collect_interval();
    for (const auto& [id, agg] : probes_) quiet = std::min(quiet, agg->collect_interval());
  }
  return quiet;
}

void collector::thread_main() {
  pthread_setname_np(pthread_self(), "coroscope-coll");
  // Never preempt the program for a stamp: a batch thread waits, when it wakes, until the
  // thread on its CPU blocks or ends its time slice. On a core it shares with a busy
  // worker, the stamps and drains of a few milliseconds come at once (a stamp that steps
  // over intervals stays true, only coarser), instead of a context switch every millisecond.
  // Where the policy cannot be set, the collector keeps the default one.
  const sched_param batch{};
  pthread_setschedparam(pthread_self(), SCHED_BATCH, &batch);
  auto now = std::chrono::steady_clock::now();
  auto next_drain = now, next_lint = now, next_refine = now;
  g_coarse_clock.interval_ticks.store(
      std::max<std::uint64_t>(1, ns_to_ticks(std::chrono::nanoseconds(kStampInterval).count())),
      std::memory_order_relaxed);
  // The workers' park count when all were last seen parked (kNotIdle: they were not).
  constexpr std::uint64_t kNotIdle = ~std::uint64_t{0};
  std::uint64_t idle_parks = kNotIdle;
  bool doze = false;
  auto no_doze_until = now;  // a thread that is no worker runs handlers: stamp for a while
  for (;;) {
    {
      // With no probe there is nothing to drain into: sleep until one registers.
      std::unique_lock lock(thread_mutex_);
      wake_.wait(lock, [this] { return probe_count_.load(std::memory_order_relaxed) > 0; });
      if (!doze) wake_.wait_for(lock, kStampInterval);
    }
    // An idle process costs a wake per 100 ms, not one per millisecond: while every worker
    // is parked no poll or await begins, so there is nothing to stamp for.
    if (doze) {
      g_coarse_clock.doze(std::chrono::nanoseconds(kIdleDoze).count(), [this] {
        std::unique_lock lock(mutex_, std::try_to_lock);
        return lock.owns_lock() && workers_idle_locked(nullptr);
      }, [] { return ticks(); });
      idle_parks = kNotIdle;  // two stamps with every worker parked again first
      if (g_coarse_clock.ended_by_no_worker.exchange(false, std::memory_order_relaxed))
        no_doze_until = std::chrono::steady_clock::now() + kIdleDoze;
    }
    g_coarse_clock.advance_to(ticks());
    now = std::chrono::steady_clock::now();
    {
      // Doze once every worker has stayed in the same park since the last stamp (a busy
      // worker's parks are short: dozing then would cost it a futex wake at each unpark).
      // Not while a snapshot holds the drain lock: the stamps must go on.
      std::unique_lock lock(mutex_, std::try_to_lock);
      std::uint64_t parks = 0;
      const bool idle = lock.owns_lock() && workers_idle_locked(&parks);
      doze = idle && parks == idle_parks && now >= no_doze_until;
      idle_parks = idle ? parks : kNotIdle;
    }
    if (now < next_drain) continue;
    std::lock_guard lock(mutex_);
    const std::size_t drained = drain_locked();
    next_drain = now + (drained > kBusyThreshold ? std::chrono::nanoseconds(kStampInterval)
                                                 : quiet_interval_locked());
    if (now >= next_lint) {
      for (auto& [id, agg] : probes_) agg->tick();
      next_lint = now + kLintInterval;
    }
    if (now >= next_refine) {
      refine_tick_rate();
      next_refine = now + std::chrono::seconds(1);
    }
  }
}

}  // namespace coroscope::detail
