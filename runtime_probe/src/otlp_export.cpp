// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "otlp_export.hpp"

#include <iostream>
#include <sstream>
#include <string_view>

#include <coroscope/base/env_error_line.hpp>

namespace coroscope::detail {
namespace {

/// The process environment minus the variables `resolve_options` has already read (and
/// reported on): the probe's resolved values stand for those.
env::reader environment_without_shared() {
  return env::reader{}.without({"OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES",
                                "OTEL_EXPORTER_OTLP_ENDPOINT",
                                "OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT",
                                "OTEL_EXPORTER_OTLP_HEADERS"});
}

}  // namespace

otlp_export::otlp_export(const resolved_options& options,
                         const sampling::sampler_options& sampling)
    : interval_(options.profile_interval) {
  const env::reader env = environment_without_shared();
  const std::string file_path = otlp_file_sink::path_from_environment();
  if (options.otlp_profiles_endpoint.empty() && file_path.empty()) return;

  otlp_exporter_options exporter_options =
      otlp_exporter_options::from_environment(options.service_name, std::cerr, env);
  resource_ = make_otlp_resource(options.service_name, std::cerr, env);
  for (const auto& [key, value] : options.resource_attributes)
    if (key != "service.name") resource_.set(key, value);
  exporter_options.resource = resource_;
  exporter_options.endpoint = options.otlp_profiles_endpoint;
  exporter_options.headers.assign(options.otlp_headers.begin(), options.otlp_headers.end());
  exporter_options.interval =
      std::chrono::duration_cast<std::chrono::milliseconds>(options.profile_interval);
  try {
    if (!exporter_options.endpoint.empty())
      exporter_ = std::make_unique<otlp_exporter>(std::move(exporter_options));
    if (!file_path.empty()) file_ = std::make_unique<otlp_file_sink>(file_path);
    series_ = std::make_unique<cpu_window_series>(sampling);
    series_->next();  // starts sampling now
  } catch (const std::exception& e) {
    env::report(std::string("OTLP profiles export is off: ") + e.what());
    exporter_.reset();
    file_.reset();
    series_.reset();
    return;
  }
  base::interval_pump::options pump;
  pump.interval = interval_;
  pump.thread_name = "coroscope-otlp";
  pump.what = "OTLP profiles";
  pump.final_tick = true;  // the last partial interval
  pump_.emplace(std::move(pump), [this](std::stop_token) { publish(series_->next()); });
  pump_->start();
}

otlp_export::~otlp_export() {
  if (!pump_) return;
  pump_->stop();
  series_.reset();
  exporter_.reset();  // flushes within its shutdown deadline
}

void otlp_export::publish(const cpu_profile& profile) {
  if (profile.samples.empty()) return;
  if (file_) file_->append(profile, resource_);
  if (exporter_) exporter_->submit(profile);
}

}  // namespace coroscope::detail
