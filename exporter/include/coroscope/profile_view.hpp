// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/profile.hpp>

#include <cstdint>
#include <string>

/// Small shared views of a `cpu_profile` used by the flamegraph and report renderers:
/// which value weighs a sample, and how a frame is named.
namespace coroscope {

/// Which value of a sample the renderers add up.
enum class sample_weight {
  count,   ///< `sample::count` (pprof `samples/count`)
  cpu_ns,  ///< `sample::cpu_ns` (pprof `cpu/nanoseconds`)
};

/// The weight of `s` under `weight`; negative values count as 0.
std::int64_t weight_of(const sample& s, sample_weight weight) noexcept;

/// `cpu_ns` when any sample carries CPU time, else `count`: what a profile measures best.
sample_weight preferred_weight(const cpu_profile& profile) noexcept;

/// The name a frame is shown by, the same as in `collapsed_stacks`: its function, or
/// `module+0xoffset` (`0xaddress` without a module) when the function is unknown.
std::string display_name(const frame& f);

}  // namespace coroscope
