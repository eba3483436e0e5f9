// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <memory>

#include "coroscope/profile.hpp"
#include "coroscope/sampler.hpp"

/// CPU profiles of windows of time. The sampler is process-wide, so is this: each open
/// window collects every sample taken while it is open (all probes' workers and any thread
/// registered with the sampler). The first window starts the sampler with its options, the
/// last one to close stops it. A thread of its own drains the sampler's rings every 50 ms
/// and folds each sample into every open window, so a window's memory grows with distinct
/// stacks, not with time (bounded; past the bound samples are dropped and counted).
namespace coroscope::detail {

class cpu_window;

/// Opens a window; starts sampling if this is the only window. Throws std::system_error
/// or std::invalid_argument when the sampler cannot start with `options`.
std::shared_ptr<cpu_window> open_cpu_window(const sampling::sampler_options& options);

/// Closes `window` and returns its profile, symbolized (the caller's thread does the work).
/// Stops sampling if no window is left open. Idempotent: a closed window gives an empty
/// profile.
cpu_profile close_cpu_window(const std::shared_ptr<cpu_window>& window);

/// Samples a window could not keep (its distinct-stack bound was reached), process-wide.
std::uint64_t cpu_window_dropped_samples() noexcept;

}  // namespace coroscope::detail
