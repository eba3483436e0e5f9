// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>

#include "coroscope/timeline.hpp"

namespace coroscope::detail {

/// Adds to `window.samples` the CPU samples the recorders keep (recent_cpu_samples())
/// that were taken at or after `since_ns` (CLOCK_MONOTONIC) on one of `window.workers`
/// (matched by thread id), symbolized as CPU profiles are: a task's code and its awaiting
/// coroutines, leaf first, without the worker's run loop. Widens the window's begin and
/// end to hold them. Symbolizes on the calling thread, holding the shared symbolizer: call
/// it without the collector's lock.
void add_recent_samples(timeline& window, std::uint64_t since_ns);

}  // namespace coroscope::detail
