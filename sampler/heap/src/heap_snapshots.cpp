// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Snapshots of the heap tables (the consumer side): a symbolized heap_profile from the
// site and live tables, memory points and their history, and the completed tasks whose
// live allocations a profile labels. Runs on whichever thread asks, never on the allocation
// path; its own allocations are not sampled (busy_scope).
#include "sampler_control.hpp"

#include <coroscope/heap.hpp>
#include <coroscope/symbolizer.hpp>
#include <coroscope/base/hex.hpp>

#include <time.h>

#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>

namespace coroscope::heap {
namespace detail {
namespace {

constexpr std::size_t kMaxCompletedTasks = 65536;
constexpr std::size_t kMaxMemoryPoints = 1024;

// Heap-allocated and never destroyed: the preload library writes its profile from an
// atexit handler, after static destructors may have run.
struct consumer_state {
  std::mutex mutex;
  symbolizer symbols;
  std::unordered_map<std::uint64_t, std::string> completed;  // task id -> spawn site
  std::deque<std::uint64_t> completed_order;
  std::deque<memory_point> history;
};

consumer_state& state() {
  static consumer_state* s = [] {
    busy_scope busy;
    return new consumer_state;
  }();
  return *s;
}

frame named(const char* name) {
  frame f;
  f.function = name;
  return f;
}

std::vector<frame> site_frames(const site_table::site& site, std::uint32_t index, symbolizer& symbols) {
  std::vector<frame> out;
  if (index == site_table::kOverflowSite) {
    out.push_back(named("[site table full]"));
    return out;
  }
  for (std::uint32_t i = 0; i < site.depth; ++i) {
    const std::vector<frame>& frames = symbols.symbolize(site.pcs[i], true);
    out.insert(out.end(), frames.begin(), frames.end());
  }
  if (out.empty()) out.push_back(named("[unknown]"));
  return out;
}

struct live_key {
  std::uint32_t site;
  std::uint64_t task_id;
  std::int32_t worker;
  std::string trace;  // trace id hex + span id hex, or empty
  auto operator<=>(const live_key&) const = default;
};

struct live_sum {
  double objects = 0;
  double space = 0;
  std::uint64_t oldest_ns = 0;
};

}  // namespace

std::uint64_t now_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<std::uint64_t>(ts.tv_nsec);
}

void reset_consumer_state() {
  consumer_state& s = state();
  std::lock_guard lock(s.mutex);
  s.completed.clear();
  s.completed_order.clear();
  s.history.clear();
}

}  // namespace detail

void note_task_completed(std::uint64_t task_id, std::string_view spawn_site) {
  detail::busy_scope busy;
  detail::consumer_state& s = detail::state();
  std::lock_guard lock(s.mutex);
  auto [it, inserted] = s.completed.try_emplace(task_id, spawn_site);
  if (!inserted) return;
  s.completed_order.push_back(task_id);
  if (s.completed_order.size() > detail::kMaxCompletedTasks) {
    s.completed.erase(s.completed_order.front());
    s.completed_order.pop_front();
  }
}

heap_profile profile() {
  detail::busy_scope busy;
  heap_profile out;
  detail::heap_tables* tables = detail::current_tables();
  if (tables == nullptr) return out;
  detail::consumer_state& s = detail::state();
  std::lock_guard lock(s.mutex);
  out.sample_interval = static_cast<std::int64_t>(tables->interval);
  out.time_ns = detail::now_ns();
  out.duration_ns = out.time_ns > tables->start_ns ? out.time_ns - tables->start_ns : 0;

  std::map<detail::live_key, detail::live_sum> live;
  tables->live->for_each([&](const detail::live_record& r) {
    detail::live_key key{r.site, r.task_id, r.worker,
                         r.has_trace ? base::hex(r.trace_id, 16) + base::hex(r.span_id, 8) : std::string()};
    detail::live_sum& sum = live[key];
    sum.objects += r.weight;
    sum.space += r.weight * static_cast<double>(r.size);
    if (sum.oldest_ns == 0 || r.time_ns < sum.oldest_ns) sum.oldest_ns = r.time_ns;
  });

  std::unordered_map<std::uint32_t, std::vector<frame>> stacks;
  auto stack_of = [&](std::uint32_t index, const detail::site_table::site& site) -> const std::vector<frame>& {
    auto [it, inserted] = stacks.try_emplace(index);
    if (inserted) it->second = detail::site_frames(site, index, s.symbols);
    return it->second;
  };

  for (std::uint32_t i = 0; i < tables->sites->capacity(); ++i) {
    const detail::site_table::site* site = tables->sites->published(i);
    if (site == nullptr) continue;
    const double objects = site->alloc_objects.load(std::memory_order_relaxed);
    if (objects <= 0) continue;
    heap_sample sample;
    sample.stack = stack_of(i, *site);
    if (site->task_name[0] != '\0') sample.labels["task"] = site->task_name;
    sample.alloc_objects = std::llround(objects);
    sample.alloc_space = std::llround(site->alloc_space.load(std::memory_order_relaxed));
    out.samples.push_back(std::move(sample));
  }
  for (const auto& [key, sum] : live) {
    const detail::site_table::site* site = tables->sites->published(key.site);
    if (site == nullptr) continue;
    heap_sample sample;
    sample.stack = stack_of(key.site, *site);
    if (site->task_name[0] != '\0') sample.labels["task"] = site->task_name;
    if (key.task_id != 0) {
      sample.labels["task_id"] = std::to_string(key.task_id);
      if (auto it = s.completed.find(key.task_id); it != s.completed.end()) {
        sample.labels["task_state"] = "completed";
        sample.labels["spawn_site"] = it->second;
      }
    }
    if (key.worker >= 0) sample.labels["worker"] = std::to_string(key.worker);
    if (!key.trace.empty()) {
      sample.labels["trace_id"] = key.trace.substr(0, 32);
      sample.labels["span_id"] = key.trace.substr(32);
    }
    sample.inuse_objects = std::llround(sum.objects);
    sample.inuse_space = std::llround(sum.space);
    sample.oldest_alloc_ns = sum.oldest_ns;
    out.samples.push_back(std::move(sample));
  }
  return out;
}

memory_point record_memory_point() {
  detail::busy_scope busy;
  memory_point point;
  point.time_ns = detail::now_ns();
  point.rss_bytes = resident_set_bytes().value_or(-1);
  if (detail::heap_tables* tables = detail::current_tables()) {
    double objects = 0, space = 0;
    std::map<std::string, double> by_task;
    tables->live->for_each([&](const detail::live_record& r) {
      const double bytes = r.weight * static_cast<double>(r.size);
      objects += r.weight;
      space += bytes;
      const detail::site_table::site* site = tables->sites->published(r.site);
      if (site != nullptr && site->task_name[0] != '\0') by_task[site->task_name] += bytes;
    });
    point.inuse_objects = std::llround(objects);
    point.inuse_space = std::llround(space);
    for (const auto& [task, bytes] : by_task) point.inuse_space_by_task.emplace(task, std::llround(bytes));
  }
  detail::consumer_state& s = detail::state();
  std::lock_guard lock(s.mutex);
  s.history.push_back(point);
  if (s.history.size() > detail::kMaxMemoryPoints) s.history.pop_front();
  return point;
}

std::vector<memory_point> memory_history() {
  detail::busy_scope busy;
  detail::consumer_state& s = detail::state();
  std::lock_guard lock(s.mutex);
  return {s.history.begin(), s.history.end()};
}

}  // namespace coroscope::heap
