// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "collector.hpp"

#include <pthread.h>

#include <chrono>
#include <new>

#include "aggregator.hpp"
#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/task_record.hpp"
#include "coroscope/detail/thread_state.hpp"

namespace coroscope::detail {
namespace {

// Under load the collector drains every millisecond; when quiet, at the probe's interval.
constexpr auto kBusyInterval = std::chrono::milliseconds(1);
constexpr std::size_t kBusyThreshold = collector::kRingCapacity / 8;
constexpr auto kLintInterval = std::chrono::milliseconds(10);
constexpr std::chrono::nanoseconds kDefaultInterval = std::chrono::milliseconds(10);

}  // namespace

collector& collector::instance() {
  static collector* c = new collector;  // leaked: threads may emit during static destruction
  return *c;
}

ring_entry* collector::register_ring() {
  auto entry = std::unique_ptr<ring_entry>(new (std::nothrow) ring_entry(kRingCapacity));
  if (!entry) return nullptr;
  std::lock_guard lock(rings_mutex_);
  rings_.push_back(std::move(entry));
  return rings_.back().get();
}

void collector::add_probe(std::uint16_t id, aggregator* agg) {
  {
    std::lock_guard lock(mutex_);
    probes_[id] = agg;
    probe_count_.fetch_add(1, std::memory_order_relaxed);
  }
  std::lock_guard thread_lock(thread_mutex_);
  if (!thread_.joinable()) thread_ = std::thread([this] { thread_main(); });
  wake_.notify_all();
}

void collector::remove_probe(std::uint16_t id) {
  std::lock_guard lock(mutex_);
  drain_locked();
  if (probes_.erase(id)) probe_count_.fetch_sub(1, std::memory_order_relaxed);
}

std::size_t collector::drain_locked() {
  std::vector<ring_entry*> rings;
  {
    std::lock_guard lock(rings_mutex_);
    rings.reserve(rings_.size());
    for (auto& r : rings_) rings.push_back(r.get());
  }
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
      std::lock_guard lock(rings_mutex_);
      retired_drops_.fetch_add(r->ring.dropped(), std::memory_order_relaxed);
      std::erase_if(rings_, [r](const auto& owned) { return owned.get() == r; });
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

std::uint64_t collector::dropped_events() const noexcept {
  std::uint64_t total = retired_drops_.load(std::memory_order_relaxed) +
                        lost_.load(std::memory_order_relaxed);
  std::lock_guard lock(rings_mutex_);
  for (const auto& r : rings_) total += r->ring.dropped();
  return total;
}

void collector::thread_main() {
  pthread_setname_np(pthread_self(), "coroscope-coll");
  auto next_lint = std::chrono::steady_clock::now();
  auto next_refine = next_lint;
  std::chrono::nanoseconds interval = kDefaultInterval;
  for (;;) {
    {
      // With no probe there is nothing to drain into: sleep until one registers.
      std::unique_lock lock(thread_mutex_);
      wake_.wait(lock, [this] { return probe_count_.load(std::memory_order_relaxed) > 0; });
      wake_.wait_for(lock, interval);
    }
    std::lock_guard lock(mutex_);
    const std::size_t drained = drain_locked();
    std::chrono::nanoseconds quiet = kDefaultInterval;
    if (!probes_.empty()) {
      quiet = probes_.begin()->second->collect_interval();
      for (auto& [id, agg] : probes_) quiet = std::min(quiet, agg->collect_interval());
    }
    interval = drained > kBusyThreshold ? std::chrono::nanoseconds(kBusyInterval) : quiet;
    const auto now = std::chrono::steady_clock::now();
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
