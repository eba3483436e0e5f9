// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/profile.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

/// The heap-profile model. Plain data: the heap sampler (coroscope/heap.hpp) fills it,
/// coroscope/heap_pprof.hpp encodes and decodes it, coroscope/leak_report.hpp ranks leak
/// suspects over successive profiles.
namespace coroscope {

/// One allocation site (a stack and its labels) with Go's four heap-profile values.
/// Values are estimates scaled by the sampling weights (exact when every allocation is
/// sampled).
struct heap_sample {
  /// The allocating stack, leaf first (the caller of malloc / operator new at index 0).
  std::vector<frame> stack;
  /// `task`, `task_id`, `worker`, `trace_id` (32 hex), `span_id` (16 hex) when known;
  /// `task_state` = `completed` and `spawn_site` for allocations that outlived their task.
  std::map<std::string, std::string> labels;
  std::int64_t alloc_objects = 0;  ///< allocations made (live or freed)
  std::int64_t alloc_space = 0;    ///< bytes allocated (live or freed)
  std::int64_t inuse_objects = 0;  ///< allocations still live
  std::int64_t inuse_space = 0;    ///< bytes still live
  /// When the oldest live allocation of this sample was made (Unix ns); 0 when none is
  /// live. Carried in pprof as the numeric label `oldest_age` (nanoseconds before the
  /// profile's time).
  std::uint64_t oldest_alloc_ns = 0;
};

/// A heap profile: the sampled allocation sites at one moment.
struct heap_profile {
  std::vector<heap_sample> samples;
  /// Mean sampling interval in bytes (pprof's period, type space/bytes); 1 = every
  /// allocation.
  std::int64_t sample_interval = 0;
  /// When the profile was taken (Unix ns).
  std::uint64_t time_ns = 0;
  /// Time since sampling started, in nanoseconds.
  std::uint64_t duration_ns = 0;
};

}  // namespace coroscope
