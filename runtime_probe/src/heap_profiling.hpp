// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "coroscope/heap_profile.hpp"
#include "coroscope/snapshot.hpp"

namespace coroscope::detail {

/// Heap profiling, when the program links `coroscope::heap` (which replaces malloc: the
/// probe never forces that) and `COROSCOPE_HEAP_PROFILE` is set: the probe attributes
/// sampled allocations to tasks, tells the heap sampler which tasks ended, and writes the
/// profile when it ends. The heap API is referenced weakly; without the library every
/// function here does nothing. (`LD_PRELOAD=libcoroscope_heap.so` profiles on its own.)
class probe_heap {
 public:
  probe_heap();
  /// Writes `COROSCOPE_HEAP_PROFILE` if this probe started heap sampling.
  ~probe_heap();
  probe_heap(const probe_heap&) = delete;
  probe_heap& operator=(const probe_heap&) = delete;

 private:
  bool started_ = false;
};

/// Tells the heap sampler a task ended (for "allocations that outlive their task").
void heap_note_task_completed(std::uint64_t task_id, const code_location& spawn_site);

/// The current heap profile as gzipped pprof, or nullopt when heap sampling is off.
std::optional<std::string> heap_profile_pprof();

/// The current heap profile (symbolized, not encoded), or nullopt when heap sampling is
/// off. For the console; takes the heap sampler's consumer lock, never the allocation path.
std::optional<heap_profile> heap_profile_now();

/// Leaves the calling thread's allocations out of heap sampling (the console server's
/// thread: its memory is the profiler's, not the program's). Nothing without the library.
void heap_exclude_current_thread();

/// Resident set size of the process, when the heap library is linked and can read it.
std::optional<std::int64_t> heap_resident_set_bytes();

}  // namespace coroscope::detail
