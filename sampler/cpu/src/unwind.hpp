// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <cstdint>

#include <ucontext.h>

#include <coroscope/base/frame_walk.hpp>

/// The two stack walkers the signal handler can use. Both are async-signal-safe (see the
/// libunwind caveat in sampler.hpp), write pcs[0] = the interrupted instruction pointer,
/// then return addresses, and return the number of pcs written (at least 1 when the
/// context has a non-zero instruction pointer).
namespace coroscope::sampling::detail {

/// The bounds of a thread's stack, [low, high), taken at registration.
using base::stack_bounds;

/// Walks the frame-pointer chain from the context's rip/rbp with `base::walk_frame_pointers`,
/// every frame record inside `stack` above the interrupted rsp. A context whose rsp is not
/// inside `stack` (an alternate signal stack) gives its pc alone.
std::size_t unwind_frame_pointers(const ucontext_t& context, stack_bounds stack,
                                  std::uintptr_t* pcs, std::size_t max_pcs) noexcept;

/// Walks with libunwind from the signal context.
std::size_t unwind_libunwind(ucontext_t& context, std::uintptr_t* pcs,
                             std::size_t max_pcs) noexcept;

/// Sets libunwind's per-thread caching (its global cache takes a lock). Call once, off
/// the signal path, before sampling with libunwind.
void prepare_libunwind() noexcept;

}  // namespace coroscope::sampling::detail
