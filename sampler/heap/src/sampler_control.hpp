// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "heap_state.hpp"

/// What the control functions (heap_sampler.cpp) and the consumer side
/// (heap_snapshots.cpp) share.
namespace coroscope::heap::detail {

/// The tables of the current (or last) run; nullptr before the first start.
heap_tables* current_tables() noexcept;

/// Forgets completed tasks and the memory history; called by `start`.
void reset_consumer_state();

/// Unix ns now.
std::uint64_t now_ns() noexcept;

}  // namespace coroscope::heap::detail
