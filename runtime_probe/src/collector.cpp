// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "collector.hpp"

#include <pthread.h>

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

void collector::thread_main() {
  pthread_setname_np(pthread_self(), "coroscope-coll");
  auto now = std::chrono::steady_clock::now();
  auto next_drain = now, next_lint = now, next_refine = now;
  for (;;) {
    {
      // With no probe there is nothing to drain into: sleep until one registers.
      std::unique_lock lock(thread_mutex_);
      wake_.wait(lock, [this] { return probe_count_.load(std::memory_order_relaxed) > 0; });
      wake_.wait_for(lock, kStampInterval);
    }
    g_coarse_clock.advance(ticks());
    now = std::chrono::steady_clock::now();
    if (now < next_drain) continue;
    std::lock_guard lock(mutex_);
    const std::size_t drained = drain_locked();
    std::chrono::nanoseconds quiet = kDefaultInterval;
    if (!probes_.empty()) {
      quiet = probes_.begin()->second->collect_interval();
      for (auto& [id, agg] : probes_) quiet = std::min(quiet, agg->collect_interval());
    }
    next_drain = now + (drained > kBusyThreshold ? std::chrono::nanoseconds(kStampInterval) : quiet);
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
