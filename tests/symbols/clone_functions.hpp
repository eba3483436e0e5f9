// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>

// Functions GCC clones or splits at -O2 (clone_functions.cpp): each entry point returns a
// return address inside the clone or split-off part, and the tests check that the ELF
// symbol there carries GCC's suffix before they check the name the symbolizer gives.
namespace symtest::clones {

/// In `burn(int, int)` specialised for a constant argument: `burn.constprop.0`.
std::uintptr_t in_constprop_clone(int salt);

/// In `read_first(pair_of const&)` with the reference replaced by the field it reads:
/// `read_first.isra.0`.
std::uintptr_t in_isra_clone(long value);

/// In the slow part GCC split off `split_me(int)` (its fast path inlined into callers):
/// `split_me.part.0`. Pass `x <= 0` to reach it.
std::uintptr_t in_split_part(int x);

/// In `with_cold_path(int)`: its unlikely branch (`x == 42`) lives in `with_cold_path.cold`,
/// the rest in `with_cold_path` itself.
std::uintptr_t in_hot_or_cold_part(int x);

}  // namespace symtest::clones
