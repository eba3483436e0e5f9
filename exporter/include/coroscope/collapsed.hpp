// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/function_names.hpp>
#include <coroscope/profile.hpp>

#include <string>

namespace coroscope {

/// Collapsed ("folded") stacks, one line per distinct stack: `root;...;leaf N`, root
/// first, `N` the sum of the counts of the samples with that stack, lines sorted
/// byte-wise. Frames are named by function in `names` (short by default: stacks that
/// differ only in what the short form leaves out are one line), or `module+0xoffset` (or
/// `0xaddress` without a module) when the function is unknown. Samples with an empty
/// stack are left out.
std::string collapsed_stacks(const cpu_profile& profile, name_style names = name_style::short_names);

}  // namespace coroscope
