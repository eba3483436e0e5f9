// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The frame-pointer walk shared by the CPU sampler (in its SIGPROF handler) and the heap
// sampler (in the malloc family): no allocation, no lock, no call that is not
// async-signal-safe. A frame record is two words, {caller's record, return address}:
//
//     high addresses   +-----------------+
//                      | ret (caller's)  |  record[1]
//              fp ---> | next fp  -------+--> the caller's record, strictly higher
//     low addresses    +-----------------+
#pragma once

#include <cstddef>
#include <cstdint>

namespace coroscope::base {

/// The part of a thread's stack a walk may read: [low, high).
struct stack_bounds {
  std::uintptr_t low = 0;
  std::uintptr_t high = 0;
};

/// The calling thread's whole stack, from pthread_getattr_np (which allocates: call it
/// off the signal path, e.g. when a thread registers). {0, 0} when it cannot be read;
/// a walk within {0, 0} reads nothing.
stack_bounds current_thread_stack() noexcept;

/// Walks the chain of frame records from `fp`, writing each record's return address to
/// `pcs` (at most `max_pcs`), and returns how many it wrote. A record is read only when it
/// is word-aligned, lies wholly inside `bounds` and sits at or above the end of the
/// previous one; the walk stops at a record whose return address is 0 or whose next
/// pointer does not go strictly up the stack. So a corrupt or foreign chain ends the walk
/// instead of faulting, and the walk always ends.
std::size_t walk_frame_pointers(std::uintptr_t fp, stack_bounds bounds, std::uintptr_t* pcs,
                                std::size_t max_pcs) noexcept;

}  // namespace coroscope::base
