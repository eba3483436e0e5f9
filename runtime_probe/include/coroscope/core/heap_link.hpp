// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <optional>

#include "coroscope/heap_profile.hpp"
#include "coroscope/snapshot.hpp"

/// Heap profiling, when the program links `coroscope::heap` (which replaces malloc: the
/// probe never forces that). The core links the sampler (`coroscope::heap_core`), which
/// sees allocations only through coroscope's allocator; without it, sampling never starts
/// and these functions do nothing. (`LD_PRELOAD=libcoroscope_heap.so` profiles on its own.)
namespace coroscope::detail {

/// Starts heap sampling with the options of `COROSCOPE_HEAP_*`, attributing sampled
/// allocations to tasks, when `COROSCOPE_HEAP_PROFILE` is set, the library is linked and
/// sampling is not on yet. True when this call started it; a failure goes to stderr.
bool start_heap_sampling();

/// Stops the heap sampling `start_heap_sampling` started (the agent's heap service then
/// writes `COROSCOPE_HEAP_PROFILE`).
void stop_heap_sampling();

/// Tells the heap sampler a task ended (for "allocations that outlive their task").
void heap_note_task_completed(std::uint64_t task_id, const code_location& spawn_site);

/// The current heap profile (symbolized, not encoded), or nullopt when heap sampling is
/// off. Takes the heap sampler's consumer lock, never the allocation path.
std::optional<heap_profile> heap_profile_now();

/// Leaves the calling thread's allocations out of heap sampling (a service's thread: its
/// memory is the profiler's, not the program's).
void heap_exclude_current_thread();

/// Resident set size of the process, when /proc/self/statm can be read.
std::optional<std::int64_t> heap_resident_set_bytes();

}  // namespace coroscope::detail
