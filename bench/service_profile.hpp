// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "coroscope/profile.hpp"
#include "coroscope/sampler.hpp"

namespace coroscope::bench {

/// What `service_profile` built, for the benchmark's counters.
struct service_profile_shape {
  std::size_t distinct_frames = 0;  ///< distinct frames in the samples (inlined ones included)
  std::size_t frames = 0;           ///< frames over all samples
  std::size_t min_depth = 0;        ///< shallowest stack
  std::size_t max_depth = 0;        ///< deepest stack
};

/// A CPU profile of `samples` samples as the sampler produces it: raw samples of a
/// made-up Asio service (worker threads in Asio's run loop resuming coroutines of 8 kinds
/// of task, 200 tasks, a tenth of the samples outside tasks, a fifth of the task samples
/// inside a traced span) go through `build_cpu_profile` with a resolver that answers like
/// the symbol cache: a few thousand distinct frames, with Asio-length names, inlined
/// frames, modules, build ids and frame ids. Stacks are 18 to 47 frames deep (mean 29)
/// after the builder has replaced the worker's frames with the async chain and added the
/// task frame. The same `samples` always give the same profile.
cpu_profile service_profile(std::size_t samples, service_profile_shape* shape = nullptr);

/// What `service_profile` builds its profile from: the raw samples, as the sampler takes
/// them, and the resolver that answers for their addresses (period 99 Hz).
struct service_samples {
  std::vector<sampling::raw_sample> raws;
  std::shared_ptr<frame_resolver> symbols;
  std::int64_t period_ns = 10'101'010;
};
service_samples service_raw_samples(std::size_t samples);

}  // namespace coroscope::bench
