// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <memory>

#include "coroscope/probe_options.hpp"
#include "coroscope/profile.hpp"
#include "coroscope/sampler.hpp"

/// CPU profiles of windows of time. The sampler is process-wide, so is this: each open
/// window collects every sample taken while it is open (all probes' workers and any thread
/// registered with the sampler). The first window starts the sampler with its options, the
/// last one to close stops it. A thread of its own drains the sampler's rings every 50 ms
/// and folds each sample into every open window, so a window's memory grows with distinct
/// stacks, not with time (bounded; past the bound samples are dropped and counted). The
/// same drain keeps the workers' recent samples for the flight recorders while one is on
/// (runtime_probe/src/recent_samples.hpp).
namespace coroscope::detail {

class cpu_window;

/// Opens a window; starts sampling if this is the only window. Throws std::system_error
/// or std::invalid_argument when the sampler cannot start with `options`. A window opened
/// with `keep_profile` false folds nothing (closing it gives an empty profile): it only
/// keeps sampling running, for the flight recorder's recent samples.
std::shared_ptr<cpu_window> open_cpu_window(const sampling::sampler_options& options,
                                            bool keep_profile = true);

/// Closes `window` and returns its profile, symbolized (the caller's thread does the work).
/// Stops sampling if no window is left open. Idempotent: a closed window gives an empty
/// profile.
cpu_profile close_cpu_window(const std::shared_ptr<cpu_window>& window);

/// Back-to-back windows for periodic consumers (OTLP export, continuous profiling, the
/// console's live flamegraph): `next()` opens the next window before it closes the last,
/// so sampling never stops in between, and returns the closed window's profile (empty the
/// first time). Not thread-safe; closes its window when destroyed.
class cpu_window_series {
 public:
  explicit cpu_window_series(const sampling::sampler_options& options) : options_(options) {}
  ~cpu_window_series();
  cpu_window_series(const cpu_window_series&) = delete;
  cpu_window_series& operator=(const cpu_window_series&) = delete;

  /// Throws what `open_cpu_window` throws; the last window is still closed first then.
  cpu_profile next();

 private:
  const sampling::sampler_options options_;
  std::shared_ptr<cpu_window> current_;
};

/// The sampler settings `options` ask for (sample_hz, sample_clock, unwinder, max_overhead).
sampling::sampler_options sampler_options_from(const resolved_options& options);

/// Samples a window could not keep (its distinct-stack bound was reached), process-wide.
std::uint64_t cpu_window_dropped_samples() noexcept;

/// CPU time the windows' drain thread has used (draining sample rings, folding stacks),
/// process-wide, in ns: one of coroscope's own costs (snapshot::self).
std::uint64_t cpu_window_drain_cpu_ns() noexcept;

}  // namespace coroscope::detail
