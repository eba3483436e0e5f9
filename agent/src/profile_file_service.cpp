// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The whole-run CPU profile: `COROSCOPE_CPU_PROFILE=PATH` samples from the probe's start
// to its end and writes one pprof file then.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>

#include <coroscope/base/env_error_line.hpp>

#include "coroscope/core/cpu_windows.hpp"
#include "coroscope/pprof.hpp"
#include "services.hpp"

namespace coroscope::agent {
namespace {

class profile_file_service final : public service {
 public:
  explicit profile_file_service(core::recording& recording)
      : path_(recording.options().cpu_profile_path), sampling_(recording.sampler_options()) {}

  std::string_view name() const noexcept override { return "cpu profile file"; }
  bool outlives_recording() const noexcept override { return true; }

  bool start() override {
    if (path_.empty()) return false;
    try {
      window_ = detail::open_cpu_window(sampling_);
      return true;
    } catch (const std::exception& e) {
      env::report(std::string("COROSCOPE_CPU_PROFILE: cannot start sampling: ") + e.what());
      return false;
    }
  }

  void stop() override {
    if (!window_) return;
    const cpu_profile profile = detail::close_cpu_window(window_);
    window_.reset();
    std::int64_t samples = 0;
    for (const sample& s : profile.samples) samples += s.count;
    try {
      write_pprof(profile, path_);
      std::fprintf(stderr, "coroscope: wrote CPU profile (%lld samples) to %s\n",
                   static_cast<long long>(samples), path_.c_str());
    } catch (const std::exception& e) {
      env::report(std::string("COROSCOPE_CPU_PROFILE: ") + e.what());
    }
  }

 private:
  const std::string path_;
  const sampling::sampler_options sampling_;
  std::shared_ptr<detail::cpu_window> window_;
};

}  // namespace

std::unique_ptr<service> make_profile_file_service(core::recording& recording) {
  return std::make_unique<profile_file_service>(recording);
}

}  // namespace coroscope::agent
