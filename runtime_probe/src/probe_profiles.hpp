// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <stop_token>

#include "coroscope/probe_options.hpp"
#include "coroscope/profile.hpp"
#include "coroscope/sampler.hpp"
#include "coroscope/core/cpu_windows.hpp"

namespace coroscope::detail {

/// A probe's CPU profiles: the window the C++ API opens, and windows of a given length.
/// (The whole-run profile `COROSCOPE_CPU_PROFILE` asks for is the agent's profile-file
/// service.)
class probe_profiles {
 public:
  explicit probe_profiles(const resolved_options& options);
  ~probe_profiles();

  void start();
  cpu_profile stop();
  /// Samples for `duration`, or until `stop` is requested.
  cpu_profile profile_for(std::chrono::nanoseconds duration, std::stop_token stop = {});

  const sampling::sampler_options& sampler_options() const noexcept { return sampler_; }

  /// Keeps the sampler running until `release_sampling` without keeping a profile: the
  /// flight recorder's CPU samples. When the sampler cannot start, says why on stderr in
  /// one line and the recorder goes on without samples.
  void hold_sampling();
  void release_sampling();

 private:
  const sampling::sampler_options sampler_;
  std::mutex mutex_;
  std::shared_ptr<cpu_window> api_window_;
  std::shared_ptr<cpu_window> held_;
};

}  // namespace coroscope::detail
