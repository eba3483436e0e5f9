// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <optional>

#include "coroscope/heap_profile.hpp"
#include "coroscope/snapshot.hpp"

/// Heap profiling, when the program links `coroscope::heap` (which replaces malloc: the
/// probe never forces that). The heap API is referenced weakly (runtime_probe/src/
/// heap_link.cpp); without the library every function here does nothing.
/// (`LD_PRELOAD=libcoroscope_heap.so` profiles on its own.)
namespace coroscope::detail {

/// Starts heap sampling with the options of `COROSCOPE_HEAP_*`, attributing sampled
/// allocations to tasks, when `COROSCOPE_HEAP_PROFILE` is set, the library is linked and
/// sampling is not on yet. True when this call started it; a failure goes to stderr.
bool start_heap_sampling();

/// Stops the heap sampling `start_heap_sampling` started and writes
/// `COROSCOPE_HEAP_PROFILE`.
void stop_heap_sampling();

/// Tells the heap sampler a task ended (for "allocations that outlive their task").
void heap_note_task_completed(std::uint64_t task_id, const code_location& spawn_site);

/// The current heap profile (symbolized, not encoded), or nullopt when heap sampling is
/// off. Takes the heap sampler's consumer lock, never the allocation path.
std::optional<heap_profile> heap_profile_now();

/// Leaves the calling thread's allocations out of heap sampling (a service's thread: its
/// memory is the profiler's, not the program's). Nothing without the library.
void heap_exclude_current_thread();

/// Resident set size of the process, when the heap library is linked and can read it.
std::optional<std::int64_t> heap_resident_set_bytes();

}  // namespace coroscope::detail
