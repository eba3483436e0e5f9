// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "debug_services.hpp"

#include <cstdio>
#include <iostream>
#include <stdexcept>

#include <coroscope/base/env_error_line.hpp>
#include "coroscope/metrics.hpp"
#include "cpu_profiling.hpp"
#include "heap_profiling.hpp"

namespace coroscope::detail {
namespace {

void start_http(const resolved_options& options, probe_profiles& profiles,
                std::function<coroscope::snapshot()> take_snapshot,
                std::unique_ptr<debug_server>& out) {
  if (options.http_address.empty()) return;
  debug_server_options server;
  server.address = options.http_address;
  server.token = options.http_token;
  debug_sources sources;
  sources.cpu_profile = [&profiles](std::chrono::seconds seconds, std::stop_token stop) {
    return profiles.profile_for(seconds, std::move(stop));
  };
  sources.tasks_json = [take_snapshot] { return tasks_json(take_snapshot()); };
  sources.metrics_text = [take_snapshot] {
    return prometheus_text(take_snapshot(), read_process_stats());
  };
  sources.heap_profile = [] { return heap_profile_pprof(); };
  try {
    out = std::make_unique<debug_server>(std::move(server), std::move(sources));
    std::fprintf(stderr, "coroscope: debug endpoints on http://%s/debug/pprof/\n",
                 out->local_address().c_str());
  } catch (const std::exception& e) {
    // The message names COROSCOPE_HTTP and shows its value (env::quoted).
    env::report(std::string("debug endpoints are off: ") + e.what());
  }
}

void start_continuous(const resolved_options& options, probe_profiles& profiles,
                      std::unique_ptr<continuous_profiler>& out) {
  continuous_options continuous = continuous_options::from_environment(
      options.service_name, std::cerr,
      options.read_environment ? env::reader{} : env::reader::empty());
  if (!continuous.enabled()) return;
  continuous.sample_hz = options.sample_hz;
  continuous.interval =
      std::chrono::duration_cast<std::chrono::milliseconds>(options.profile_interval);
  // Called on the profiler's own thread, one call at a time.
  auto series = std::make_shared<cpu_window_series>(profiles.sampler_options());
  try {
    series->next();  // sampling starts now
    out = std::make_unique<continuous_profiler>(std::move(continuous),
                                                [series] { return series->next(); });
  } catch (const std::exception& e) {
    env::report(std::string("continuous profiling is off: ") + e.what());
  }
}

}  // namespace

debug_services::debug_services(const resolved_options& options, probe_profiles& profiles,
                               std::function<coroscope::snapshot()> take_snapshot) {
  start_http(options, profiles, std::move(take_snapshot), http_);
  start_continuous(options, profiles, continuous_);
}

debug_services::~debug_services() {
  if (http_) http_->stop();
  if (continuous_) continuous_->stop();
}

}  // namespace coroscope::detail
