// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <memory>
#include <optional>

#include <coroscope/base/interval_pump.hpp>

#include "coroscope/otlp.hpp"
#include "coroscope/probe_options.hpp"
#include "cpu_profiling.hpp"

namespace coroscope::detail {

/// The probe's OTLP profiles export: every `profile_interval`, on an interval pump's
/// thread, the last interval's CPU profile goes to the OTLP/HTTP exporter (when an
/// endpoint is set) and to the `COROSCOPE_OTLP_FILE` sink (when set). Off, with no thread,
/// otherwise. The destructor sends the last partial interval (the pump's final tick) and
/// flushes within the exporter's deadline.
class otlp_export {
 public:
  otlp_export(const resolved_options& options, const sampling::sampler_options& sampling);
  ~otlp_export();

  bool active() const noexcept { return pump_ && pump_->running(); }

 private:
  void publish(const cpu_profile& profile);

  std::unique_ptr<otlp_exporter> exporter_;
  std::unique_ptr<otlp_file_sink> file_;
  otlp_resource resource_;
  std::unique_ptr<cpu_window_series> series_;
  std::chrono::nanoseconds interval_;
  std::optional<base::interval_pump> pump_;  ///< last: stopped before the sinks go
};

}  // namespace coroscope::detail
