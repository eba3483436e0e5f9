// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <vector>

#include "coroscope/timeline.hpp"

namespace coroscope::detail {

/// A task posted (made runnable) at `begin_ns` and polled on `worker` at `end_ns`.
struct queued_interval {
  unsigned worker = 0;
  std::uint64_t begin_ns = 0;
  std::uint64_t end_ns = 0;
};

/// The window's step for counters: about 500 points per worker over the window, never
/// finer than 1 ms nor coarser than 1 s.
std::uint64_t counter_step_ns(std::uint64_t window_ns);

/// Appends the per-worker counters of `out`'s window [begin_ns, end_ns], one point per
/// `step_ns` from begin_ns: the busy ratio (the share of the step the worker spent in
/// polls, nested polls counted once) from `out.polls`, and the queue depth (the most tasks
/// waiting at once during the step, of those posted and later polled on that worker) from
/// `queued`. Derived when the window is taken: nothing more is recorded.
void add_counters(timeline& out, const std::vector<queued_interval>& queued, std::uint64_t step_ns);

}  // namespace coroscope::detail
