// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Continuous profiling: every `profile_interval` the last interval's CPU profile is pushed
// to Pyroscope (`COROSCOPE_PYROSCOPE_URL`) and/or written to `COROSCOPE_PROFILE_DIR`, by
// the continuous profiler's interval pump. Off unless one of them is set.
#include <chrono>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include <coroscope/base/env_error_line.hpp>

#include "coroscope/continuous.hpp"
#include "coroscope/core/cpu_windows.hpp"
#include "services.hpp"

namespace coroscope::agent {
namespace {

class pyroscope_service final : public service {
 public:
  explicit pyroscope_service(core::recording& recording)
      : options_(recording.options()), sampling_(recording.sampler_options()) {}

  std::string_view name() const noexcept override { return "pyroscope"; }

  bool start() override {
    continuous_options continuous = continuous_options::from_environment(
        options_.service_name, std::cerr,
        options_.read_environment ? env::reader{} : env::reader::empty());
    if (!continuous.enabled()) return false;
    continuous.sample_hz = options_.sample_hz;
    continuous.interval =
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.profile_interval);
    // Called on the profiler's own thread, one call at a time.
    auto series = std::make_shared<detail::cpu_window_series>(sampling_);
    try {
      series->next();  // sampling starts now
      profiler_ = std::make_unique<continuous_profiler>(std::move(continuous),
                                                        [series] { return series->next(); });
      return true;
    } catch (const std::exception& e) {
      env::report(std::string("continuous profiling is off: ") + e.what());
      return false;
    }
  }

  void stop() override {
    if (profiler_) profiler_->stop();
  }

 private:
  const resolved_options& options_;
  const sampling::sampler_options sampling_;
  std::unique_ptr<continuous_profiler> profiler_;
};

}  // namespace

std::unique_ptr<service> make_pyroscope_service(core::recording& recording) {
  return std::make_unique<pyroscope_service>(recording);
}

}  // namespace coroscope::agent
