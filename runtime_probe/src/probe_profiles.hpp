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
#include "cpu_profiling.hpp"

namespace coroscope::detail {

/// A probe's CPU profiles: the whole-run profile `COROSCOPE_CPU_PROFILE` asks for, and
/// the windows the C++ API opens.
class probe_profiles {
 public:
  explicit probe_profiles(const resolved_options& options);
  /// Writes the whole-run profile, if one was asked for.
  ~probe_profiles();

  void start();
  cpu_profile stop();
  /// Samples for `duration`, or until `stop` is requested.
  cpu_profile profile_for(std::chrono::nanoseconds duration, std::stop_token stop = {});

  const sampling::sampler_options& sampler_options() const noexcept { return sampler_; }

 private:
  const sampling::sampler_options sampler_;
  const std::string whole_run_path_;
  std::shared_ptr<cpu_window> whole_run_;
  std::mutex mutex_;
  std::shared_ptr<cpu_window> api_window_;
};

/// The sampler settings `options` ask for.
sampling::sampler_options sampler_options_from(const resolved_options& options);

}  // namespace coroscope::detail
