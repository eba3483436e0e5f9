// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <cstdint>

#include <ucontext.h>

/// The two stack walkers the signal handler can use. Both are async-signal-safe (see the
/// libunwind caveat in sampler.hpp), write pcs[0] = the interrupted instruction pointer,
/// then return addresses, and return the number of pcs written (at least 1 when the
/// context has a non-zero instruction pointer).
namespace coroscope::sampling::detail {

/// The bounds of a thread's stack, [low, high), taken at registration.
struct stack_bounds {
  std::uintptr_t low = 0;
  std::uintptr_t high = 0;
};

/// Walks the frame-pointer chain from the context's rip/rbp. Every frame record must lie
/// inside `stack` above the interrupted rsp, be 8-byte aligned and strictly above the
/// previous one, so a corrupt or foreign chain ends the walk instead of faulting.
std::size_t unwind_frame_pointers(const ucontext_t& context, stack_bounds stack,
                                  std::uintptr_t* pcs, std::size_t max_pcs) noexcept;

/// Walks with libunwind from the signal context.
std::size_t unwind_libunwind(ucontext_t& context, std::uintptr_t* pcs,
                             std::size_t max_pcs) noexcept;

/// Sets libunwind's per-thread caching (its global cache takes a lock). Call once, off
/// the signal path, before sampling with libunwind.
void prepare_libunwind() noexcept;

}  // namespace coroscope::sampling::detail
