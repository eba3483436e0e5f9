// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "probe_profiles.hpp"

#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <string>

#include <coroscope/base/env_error_line.hpp>

namespace coroscope::detail {

sampling::sampler_options sampler_options_from(const resolved_options& options) {
  sampling::sampler_options s;
  s.frequency_hz = options.sample_hz;
  s.clock = options.sample_clock == "wall" ? sampling::sample_clock::wall
                                           : sampling::sample_clock::cpu;
  s.unwind = options.unwinder == "libunwind" ? sampling::unwinder::libunwind
                                             : sampling::unwinder::frame_pointer;
  s.max_overhead = options.max_overhead;
  return s;
}

probe_profiles::probe_profiles(const resolved_options& options)
    : sampler_(sampler_options_from(options)) {}

probe_profiles::~probe_profiles() {
  std::lock_guard lock(mutex_);
  if (api_window_) close_cpu_window(api_window_);
  if (held_) close_cpu_window(held_);
}

void probe_profiles::hold_sampling() {
  std::lock_guard lock(mutex_);
  if (held_) return;
  try {
    held_ = open_cpu_window(sampler_, false);
  } catch (const std::exception& e) {
    const std::string text = std::string("flight recorder: CPU sampling could not start (") +
                             e.what() + "); the window has no CPU samples";
    std::fputs(env::error_line(text).c_str(), stderr);
  }
}

void probe_profiles::release_sampling() {
  std::shared_ptr<cpu_window> held;
  {
    std::lock_guard lock(mutex_);
    held = std::move(held_);
  }
  if (held) close_cpu_window(held);
}

void probe_profiles::start() {
  std::lock_guard lock(mutex_);
  if (!api_window_) api_window_ = open_cpu_window(sampler_);
}

cpu_profile probe_profiles::stop() {
  std::shared_ptr<cpu_window> window;
  {
    std::lock_guard lock(mutex_);
    window = std::move(api_window_);
  }
  return window ? close_cpu_window(window) : cpu_profile{};
}

cpu_profile probe_profiles::profile_for(std::chrono::nanoseconds duration, std::stop_token stop) {
  const auto window = open_cpu_window(sampler_);
  std::mutex mu;
  std::condition_variable_any wake;
  std::unique_lock lock(mu);
  wake.wait_for(lock, stop, duration, [] { return false; });
  return close_cpu_window(window);
}

}  // namespace coroscope::detail
