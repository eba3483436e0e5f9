// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// OTLP profiles export: every `profile_interval`, on an interval pump's thread, the last
// interval's CPU profile goes to the OTLP/HTTP exporter (when an endpoint is set) and to
// the `COROSCOPE_OTLP_FILE` sink (when set). Off, with no thread, otherwise. Stopping
// sends the last partial interval (the pump's final tick) and flushes within the
// exporter's deadline.
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <coroscope/base/env_error_line.hpp>
#include <coroscope/base/interval_pump.hpp>

#include "coroscope/core/cpu_windows.hpp"
#include "coroscope/otlp_exporter.hpp"
#include "services.hpp"

namespace coroscope::agent {
namespace {

/// The process environment minus the variables `resolve_options` has already read (and
/// reported on): the probe's resolved values stand for those.
env::reader environment_without_shared() {
  return env::reader{}.without({"OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES",
                                "OTEL_EXPORTER_OTLP_ENDPOINT",
                                "OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT",
                                "OTEL_EXPORTER_OTLP_HEADERS"});
}

class otlp_service final : public service {
 public:
  explicit otlp_service(core::recording& recording)
      : options_(recording.options()), sampling_(recording.sampler_options()) {}

  std::string_view name() const noexcept override { return "otlp"; }
  bool outlives_recording() const noexcept override { return true; }

  bool start() override {
    const env::reader env = environment_without_shared();
    const std::string file_path = otlp_file_sink::path_from_environment();
    if (options_.otlp_profiles_endpoint.empty() && file_path.empty()) return false;

    otlp_exporter_options exporter_options =
        otlp_exporter_options::from_environment(options_.service_name, std::cerr, env);
    resource_ = make_otlp_resource(options_.service_name, std::cerr, env);
    for (const auto& [key, value] : options_.resource_attributes)
      if (key != "service.name") resource_.set(key, value);
    exporter_options.resource = resource_;
    exporter_options.endpoint = options_.otlp_profiles_endpoint;
    exporter_options.headers.assign(options_.otlp_headers.begin(), options_.otlp_headers.end());
    exporter_options.interval =
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.profile_interval);
    try {
      if (!exporter_options.endpoint.empty())
        exporter_ = std::make_unique<otlp_exporter>(std::move(exporter_options));
      if (!file_path.empty()) file_ = std::make_unique<otlp_file_sink>(file_path);
      series_ = std::make_unique<detail::cpu_window_series>(sampling_);
      series_->next();  // starts sampling now
    } catch (const std::exception& e) {
      env::report(std::string("OTLP profiles export is off: ") + e.what());
      exporter_.reset();
      file_.reset();
      series_.reset();
      return false;
    }
    base::interval_pump::options pump;
    pump.interval = options_.profile_interval;
    pump.thread_name = "coroscope-otlp";
    pump.what = "OTLP profiles";
    pump.final_tick = true;  // the last partial interval
    pump_.emplace(std::move(pump), [this](std::stop_token) { publish(series_->next()); });
    pump_->start();
    return true;
  }

  void stop() override {
    if (!pump_) return;
    pump_->stop();
    pump_.reset();
    series_.reset();
    exporter_.reset();  // flushes within its shutdown deadline
    file_.reset();
  }

 private:
  void publish(const cpu_profile& profile) {
    if (profile.samples.empty()) return;
    if (file_) file_->append(profile, resource_);
    if (exporter_) exporter_->submit(profile);
  }

  const resolved_options& options_;
  const sampling::sampler_options sampling_;
  std::unique_ptr<otlp_exporter> exporter_;
  std::unique_ptr<otlp_file_sink> file_;
  otlp_resource resource_;
  std::unique_ptr<detail::cpu_window_series> series_;
  std::optional<base::interval_pump> pump_;  ///< last: stopped before the sinks go
};

}  // namespace

std::unique_ptr<service> make_otlp_service(core::recording& recording) {
  return std::make_unique<otlp_service>(recording);
}

}  // namespace coroscope::agent
