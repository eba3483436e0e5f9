// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "recent_samples.hpp"

#include <time.h>

#include <algorithm>

namespace coroscope::detail {
namespace {

std::int64_t clock_ns(clockid_t clock) noexcept {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

void recent_samples::keep(std::chrono::nanoseconds window, std::size_t max_bytes) {
  std::lock_guard lock(mutex_);
  holders_.push_back({window, max_bytes});
}

void recent_samples::release(std::chrono::nanoseconds window, std::size_t max_bytes) {
  std::lock_guard lock(mutex_);
  auto it = std::find(holders_.begin(), holders_.end(), holder{window, max_bytes});
  if (it != holders_.end()) holders_.erase(it);
  if (holders_.empty()) {
    samples_.clear();
    bytes_ = 0;
  }
}

bool recent_samples::on() const {
  std::lock_guard lock(mutex_);
  return !holders_.empty();
}

std::chrono::nanoseconds recent_samples::longest_window_locked() const {
  std::chrono::nanoseconds longest{0};
  for (const holder& h : holders_) {
    if (h.window.count() <= 0) return std::chrono::nanoseconds{0};  // one recorder bounded by bytes only
    longest = std::max(longest, h.window);
  }
  return longest;
}

// The smallest: every recorder's events and samples stay within its own bound.
std::size_t recent_samples::smallest_bytes_locked() const {
  std::size_t smallest = kNoByteBound;
  for (const holder& h : holders_) smallest = std::min(smallest, h.max_bytes);
  return smallest;
}

void recent_samples::add(std::span<const sampling::raw_sample> batch) {
  if (batch.empty()) return;
  // Two reads next to each other: their difference is the offset, to within a few ns.
  const std::int64_t monotonic = clock_ns(CLOCK_MONOTONIC);
  const std::int64_t realtime = clock_ns(CLOCK_REALTIME);
  add(batch, static_cast<std::uint64_t>(monotonic), realtime - monotonic);
}

void recent_samples::add(std::span<const sampling::raw_sample> batch, std::uint64_t now_ns,
                         std::int64_t realtime_minus_monotonic_ns) {
  std::lock_guard lock(mutex_);
  if (holders_.empty()) return;
  const std::chrono::nanoseconds window = longest_window_locked();
  const std::uint64_t oldest =
      window.count() > 0 && now_ns > static_cast<std::uint64_t>(window.count())
          ? now_ns - static_cast<std::uint64_t>(window.count())
          : 0;
  // The drain gives each thread's samples in order, not the threads' with each other:
  // sorted per batch, the store stays in time order (batches follow each other).
  std::vector<kept> fresh;
  fresh.reserve(batch.size());
  for (const sampling::raw_sample& s : batch) {
    if (s.context.worker < 0) continue;  // not a worker's: no window shows it
    const std::int64_t monotonic = static_cast<std::int64_t>(s.timestamp_ns) - realtime_minus_monotonic_ns;
    if (monotonic < 0 || static_cast<std::uint64_t>(monotonic) < oldest) continue;  // already out
    kept& k = fresh.emplace_back();
    k.time_ns = static_cast<std::uint64_t>(monotonic);
    k.task_id = s.context.task_id;
    k.tid = s.tid;
    k.worker = s.context.worker;
    k.depth = std::min<std::uint16_t>(s.depth, sampling::kMaxFrames);
    const std::size_t async = std::min<std::size_t>(s.context.async_depth, sampling::kMaxAsyncFrames);
    k.pcs.reserve(k.depth + async);
    k.pcs.assign(s.pcs, s.pcs + k.depth);
    k.pcs.insert(k.pcs.end(), s.context.async_pcs, s.context.async_pcs + async);
  }
  std::stable_sort(fresh.begin(), fresh.end(),
                   [](const kept& a, const kept& b) { return a.time_ns < b.time_ns; });
  for (kept& k : fresh) {
    bytes_ += cost(k);
    samples_.push_back(std::move(k));
  }
  while (!samples_.empty() && samples_.front().time_ns < oldest) pop_front_locked();
  const std::size_t max_bytes = smallest_bytes_locked();
  while (!samples_.empty() && (samples_.size() > max_samples_ || bytes_ > max_bytes)) {
    pop_front_locked();
    ++lost_;
  }
}

void recent_samples::pop_front_locked() {
  bytes_ -= cost(samples_.front());
  samples_.pop_front();
}

std::vector<recent_samples::kept> recent_samples::since(std::uint64_t since_ns) const {
  std::lock_guard lock(mutex_);
  std::vector<kept> out;
  for (const kept& k : samples_)
    if (k.time_ns >= since_ns) out.push_back(k);
  return out;
}

std::uint64_t recent_samples::lost() const {
  std::lock_guard lock(mutex_);
  return lost_;
}

std::size_t recent_samples::size() const {
  std::lock_guard lock(mutex_);
  return samples_.size();
}

std::size_t recent_samples::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

recent_samples& recent_cpu_samples() {
  static auto* store = new recent_samples;
  return *store;
}

}  // namespace coroscope::detail
