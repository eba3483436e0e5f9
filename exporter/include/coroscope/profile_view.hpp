// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/function_names.hpp>
#include <coroscope/profile.hpp>

#include <cstdint>
#include <string>
#include <unordered_map>

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

/// The name a frame is shown by: its function in `style` (a task frame's name as it is),
/// or `module+0xoffset` (`0xaddress` without a module) when the function is unknown.
/// `full_names` by default: the model's own name, as the console server sends it.
std::string display_name(const frame& f, name_style style = name_style::full_names);

/// `display_name` for many frames of one profile, each function's short form worked out
/// once (a profile repeats few functions in many samples). Not thread-safe.
class frame_namer {
 public:
  explicit frame_namer(name_style style) : style_(style) {}

  /// `display_name(f, style)`; valid until the next call.
  const std::string& name(const frame& f);

 private:
  name_style style_;
  std::unordered_map<std::string, std::string> short_names_;
  std::string scratch_;
};

}  // namespace coroscope
