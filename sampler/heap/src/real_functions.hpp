// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

/// The allocator the interposers forward to: the next definition after ours in symbol
/// lookup order, found with dlsym(RTLD_NEXT) — glibc's malloc normally, the sanitizer's
/// under ASan/TSan (so they keep seeing every allocation), jemalloc if preloaded after us.
/// If dlsym cannot find one, glibc's `__libc_*` entry points are used.
///
/// dlsym itself may allocate (calloc for its error buffer). While the thread that resolves
/// is inside dlsym, allocations come from a small static bootstrap arena; such blocks are
/// recognised by address and never handed to the real allocator.
namespace coroscope::heap::detail {

struct real_functions {
  std::atomic<void* (*)(std::size_t)> malloc;
  std::atomic<void (*)(void*)> free;
  std::atomic<void* (*)(std::size_t, std::size_t)> calloc;
  std::atomic<void* (*)(void*, std::size_t)> realloc;
  std::atomic<void* (*)(std::size_t, std::size_t)> memalign;
  std::atomic<void* (*)(std::size_t, std::size_t)> aligned_alloc;
  std::atomic<int (*)(void**, std::size_t, std::size_t)> posix_memalign;
  std::atomic<void* (*)(std::size_t)> valloc;
  std::atomic<void* (*)(std::size_t)> pvalloc;
  std::atomic<std::size_t (*)(void*)> malloc_usable_size;
};

/// Starts as trampolines that resolve everything on first use.
extern real_functions g_real;

/// Resolves `g_real` now (idempotent). Called by the trampolines and early by the library.
void resolve_real_functions() noexcept;

/// The bootstrap arena, for allocations made while dlsym runs.
inline constexpr std::size_t kBootstrapArenaBytes = 64 * 1024;
extern unsigned char g_bootstrap_arena[kBootstrapArenaBytes];

inline bool in_bootstrap_arena(const void* p) noexcept {
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  const auto base = reinterpret_cast<std::uintptr_t>(g_bootstrap_arena);
  return a - base < kBootstrapArenaBytes;
}
/// Usable size of a bootstrap block.
std::size_t bootstrap_block_size(const void* p) noexcept;

}  // namespace coroscope::heap::detail
