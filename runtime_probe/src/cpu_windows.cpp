// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/core/cpu_windows.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <stop_token>
#include <thread>
#include <unordered_map>
#include <vector>

#include "coroscope/base/thread_cpu.hpp"
#include "executable_path.hpp"
#include "recent_samples.hpp"
#include "sample_context.hpp"
#include "shared_symbolizer.hpp"

namespace coroscope::detail {
namespace {

using namespace std::chrono_literals;

constexpr auto kDrainInterval = 50ms;
/// Distinct (stack, task, span) keys one window keeps: a few hundred bytes each.
constexpr std::size_t kMaxDistinctStacks = 16384;

std::atomic<std::uint64_t> g_dropped{0};
std::atomic<std::uint64_t> g_drain_cpu_ns{0};  // see cpu_window_drain_cpu_ns

using base::this_thread_cpu_ns;

/// A sample without its timestamp and weight, as bytes: equal keys fold into one entry.
/// Layout: the context up to its async stack, the native pcs, the async pcs.
std::string key_of(const sampling::raw_sample& s) {
  const sampling::sample_context& c = s.context;
  const std::size_t head = offsetof(sampling::sample_context, async_pcs);
  const std::size_t native = s.depth * sizeof(std::uintptr_t);
  const std::size_t async = c.async_depth * sizeof(std::uintptr_t);
  std::string key(sizeof(s.depth) + head + native + async, '\0');
  char* out = key.data();
  std::memcpy(out, &s.depth, sizeof(s.depth));
  out += sizeof(s.depth);
  std::memcpy(out, &c, head);
  out += head;
  std::memcpy(out, s.pcs, native);
  out += native;
  std::memcpy(out, c.async_pcs, async);
  return key;
}

sampling::raw_sample sample_of(const std::string& key) {
  sampling::raw_sample s{};
  const char* in = key.data();
  std::memcpy(&s.depth, in, sizeof(s.depth));
  in += sizeof(s.depth);
  const std::size_t head = offsetof(sampling::sample_context, async_pcs);
  std::memcpy(static_cast<void*>(&s.context), in, head);
  in += head;
  std::memcpy(s.pcs, in, s.depth * sizeof(std::uintptr_t));
  in += s.depth * sizeof(std::uintptr_t);
  std::memcpy(s.context.async_pcs, in, s.context.async_depth * sizeof(std::uintptr_t));
  return s;
}

struct folded {
  std::int64_t count = 0;
  std::int64_t weight_ns = 0;
  std::uint64_t last_ns = 0;
};

std::uint64_t unix_now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace

class cpu_window {
 public:
  cpu_window(std::int64_t period_ns, bool keep_profile)
      : keeps_profile(keep_profile), period_ns_(period_ns), start_ns_(unix_now_ns()) {}

  void add(const sampling::raw_sample& s) {
    if (!keeps_profile) return;
    std::string key = key_of(s);
    auto it = stacks_.find(key);
    if (it == stacks_.end()) {
      if (stacks_.size() >= kMaxDistinctStacks) {
        g_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      it = stacks_.emplace(std::move(key), folded{}).first;
    }
    it->second.count += 1;
    it->second.weight_ns += static_cast<std::int64_t>(s.weight_ns);
    it->second.last_ns = std::max(it->second.last_ns, s.timestamp_ns);
  }

  bool open = true;
  const bool keeps_profile;
  std::int64_t period_ns_;
  std::uint64_t start_ns_;
  std::unordered_map<std::string, folded> stacks_;
};

namespace {

/// The windows and the drain thread. Lives for the whole process (a
/// leaked singleton), so windows may close during static destruction.
class profiling_hub {
 public:
  static profiling_hub& instance() {
    static auto* hub = new profiling_hub;
    return *hub;
  }

  std::shared_ptr<cpu_window> open(const sampling::sampler_options& options, bool keep_profile) {
    std::lock_guard lock(mutex_);
    if (windows_.empty()) {
      if (!sampling::running()) {
        sampling::configure(options);
        sampling::set_context_hook(&fill_sample_context);
        sampling::start();
      }
      // Each drainer has its own stop token: a flag shared between drainers would let this
      // open revive a drainer that a close is about to join.
      if (!drainer_.joinable()) drainer_ = std::jthread([this](std::stop_token stop) { drain_loop(stop); });
    }
    const double hz = std::max(1u, sampling::options().frequency_hz);
    auto window = std::make_shared<cpu_window>(static_cast<std::int64_t>(1e9 / hz), keep_profile);
    windows_.push_back(window);
    return window;
  }

  cpu_profile close(const std::shared_ptr<cpu_window>& window) {
    std::jthread finished_drainer;
    std::vector<sampling::raw_sample> pending;
    {
      std::lock_guard lock(mutex_);
      if (!window || !window->open) return {};
      drain_locked(pending);
      window->open = false;
      windows_.erase(std::remove(windows_.begin(), windows_.end(), window), windows_.end());
      if (windows_.empty()) {
        sampling::stop();
        finished_drainer = std::move(drainer_);
        finished_drainer.request_stop();
      }
    }
    if (finished_drainer.joinable()) finished_drainer.join();
    return window->keeps_profile ? build(*window) : cpu_profile{};
  }

 private:
  void drain_loop(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    std::vector<sampling::raw_sample> batch;
    std::uint64_t counted = 0;  // this thread's CPU time already added to g_drain_cpu_ns
    while (!stop.stop_requested()) {
      wake_.wait_for(lock, stop, kDrainInterval, [] { return false; });
      drain_locked(batch);
      const std::uint64_t used = this_thread_cpu_ns();
      g_drain_cpu_ns.fetch_add(used - counted, std::memory_order_relaxed);
      counted = used;
    }
  }

  void drain_locked(std::vector<sampling::raw_sample>& batch) {
    batch.clear();
    sampling::drain(batch);
    for (const auto& s : batch)
      for (const auto& w : windows_) w->add(s);
    recent_cpu_samples().add(batch);  // the flight recorders' samples, when one is on
  }

  cpu_profile build(const cpu_window& window) {
    std::vector<sampling::raw_sample> representatives;
    std::vector<const folded*> totals;
    representatives.reserve(window.stacks_.size());
    totals.reserve(window.stacks_.size());
    for (const auto& [key, f] : window.stacks_) {
      representatives.push_back(sample_of(key));
      representatives.back().timestamp_ns = f.last_ns;
      totals.push_back(&f);
    }
    const std::uint64_t end_ns = unix_now_ns();
    shared_symbolizer symbols;
    cpu_profile profile =
        build_cpu_profile(representatives, *symbols, window.period_ns_, window.start_ns_,
                          end_ns > window.start_ns_ ? end_ns - window.start_ns_ : 0);
    symbols.trim();
    profile.main_module = executable_path();
    // The builder makes one sample per representative, in order.
    for (std::size_t i = 0; i < profile.samples.size() && i < totals.size(); ++i) {
      profile.samples[i].count = totals[i]->count;
      profile.samples[i].cpu_ns = totals[i]->weight_ns;
    }
    return profile;
  }

  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread drainer_;
  std::vector<std::shared_ptr<cpu_window>> windows_;
};

}  // namespace

std::shared_ptr<cpu_window> open_cpu_window(const sampling::sampler_options& options,
                                            bool keep_profile) {
  return profiling_hub::instance().open(options, keep_profile);
}

cpu_profile close_cpu_window(const std::shared_ptr<cpu_window>& window) {
  return profiling_hub::instance().close(window);
}

cpu_window_series::~cpu_window_series() {
  if (current_) close_cpu_window(current_);
}

cpu_profile cpu_window_series::next() {
  std::shared_ptr<cpu_window> opened;
  std::exception_ptr failure;
  try {
    opened = open_cpu_window(options_);
  } catch (...) {
    failure = std::current_exception();
  }
  cpu_profile profile = current_ ? close_cpu_window(current_) : cpu_profile{};
  current_ = std::move(opened);
  if (failure) std::rethrow_exception(failure);
  return profile;
}

std::uint64_t cpu_window_drain_cpu_ns() noexcept {
  return g_drain_cpu_ns.load(std::memory_order_relaxed);
}

std::uint64_t cpu_window_dropped_samples() noexcept {
  return g_dropped.load(std::memory_order_relaxed);
}

}  // namespace coroscope::detail
