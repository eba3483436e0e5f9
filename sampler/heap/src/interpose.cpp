// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The allocator entry points a program (or LD_PRELOAD) gets from coroscope::heap. Each
// forwards to the real allocator (real_functions.hpp) and, on the rare allocation whose
// size crosses the thread's sampling countdown, records it. The unsampled path is one
// TLS subtract and a branch; free of an unsampled pointer is one load of a counting
// filter. Pointers are never changed, so glibc's malloc_usable_size and friends keep
// working on them; allocations glibc makes internally (strdup, fopen) are not seen, and
// freeing them here is harmless.
#include "heap_state.hpp"
#include "real_functions.hpp"

#include <errno.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace {

using coroscope::heap::detail::g_real;
using coroscope::heap::detail::in_bootstrap_arena;
using coroscope::heap::detail::on_countdown_crossed;
using coroscope::heap::detail::on_free;
using coroscope::heap::detail::should_sample;

constexpr auto relaxed = std::memory_order_relaxed;

[[gnu::always_inline]] inline void* sampled(void* p, std::size_t size, void* frame) noexcept {
  if (should_sample(size)) [[unlikely]] {
    // Stopped (or not started: e.g. a sanitizer runtime initializing itself through us,
    // when no instrumented code may run yet): only rewind the countdown.
    if (!coroscope::heap::detail::g_running.load(relaxed))
      coroscope::heap::detail::t_heap.bytes_until_sample = coroscope::heap::detail::kIdleRecheckBytes;
    else
      on_countdown_crossed(p, size, frame);
  }
  return p;
}

[[gnu::always_inline]] inline void release(void* p) noexcept {
  if (p == nullptr || in_bootstrap_arena(p)) return;
  on_free(p);
  g_real.free.load(relaxed)(p);
}

[[gnu::always_inline]] inline void* reallocate(void* p, std::size_t size, void* frame) noexcept {
  if (p != nullptr && in_bootstrap_arena(p)) {
    // A block from the bootstrap arena cannot be given to the real allocator: move it.
    void* q = g_real.malloc.load(relaxed)(size);
    if (q != nullptr) {
      const std::size_t old = coroscope::heap::detail::bootstrap_block_size(p);
      std::memcpy(q, p, old < size ? old : size);
    }
    return sampled(q, size, frame);
  }
  // Forget the old block first: once the real realloc returns, its address may be reused.
  if (p != nullptr) on_free(p);
  void* q = g_real.realloc.load(relaxed)(p, size);
  if (q == nullptr) return nullptr;  // freed (size 0) or out of memory
  return sampled(q, size, frame);
}

[[gnu::always_inline]] inline void* aligned(std::size_t alignment, std::size_t size, void* frame) noexcept {
  return sampled(g_real.memalign.load(relaxed)(alignment, size), size, frame);
}

// operator new's contract: retry through the new handler, throw when there is none.
[[gnu::always_inline]] inline void* new_or_throw(std::size_t size, std::size_t alignment, void* frame) {
  for (;;) {
    void* p = alignment == 0 ? g_real.malloc.load(relaxed)(size)
                             : g_real.memalign.load(relaxed)(alignment, size);
    if (p != nullptr) return sampled(p, size, frame);
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

[[gnu::always_inline]] inline void* new_nothrow(std::size_t size, std::size_t alignment, void* frame) noexcept {
  try {
    return new_or_throw(size, alignment, frame);
  } catch (...) {
    return nullptr;
  }
}

}  // namespace

extern "C" {

/// Referenced by coroscope::heap's link options so the linker takes this object.
[[gnu::used, gnu::visibility("default")]] void coroscope_heap_interposed() {}

void* malloc(std::size_t size) noexcept {
  return sampled(g_real.malloc.load(relaxed)(size), size, __builtin_frame_address(0));
}

void free(void* p) noexcept { release(p); }

void* calloc(std::size_t n, std::size_t size) noexcept {
  std::size_t bytes = 0;
  void* p = g_real.calloc.load(relaxed)(n, size);
  if (p == nullptr || __builtin_mul_overflow(n, size, &bytes)) return p;
  return sampled(p, bytes, __builtin_frame_address(0));
}

void* realloc(void* p, std::size_t size) noexcept {
  return reallocate(p, size, __builtin_frame_address(0));
}

void* reallocarray(void* p, std::size_t n, std::size_t size) noexcept {
  std::size_t bytes = 0;
  if (__builtin_mul_overflow(n, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  return reallocate(p, bytes, __builtin_frame_address(0));
}

void* memalign(std::size_t alignment, std::size_t size) noexcept {
  return aligned(alignment, size, __builtin_frame_address(0));
}

void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  return sampled(g_real.aligned_alloc.load(relaxed)(alignment, size), size, __builtin_frame_address(0));
}

int posix_memalign(void** out, std::size_t alignment, std::size_t size) noexcept {
  const int error = g_real.posix_memalign.load(relaxed)(out, alignment, size);
  if (error == 0) sampled(*out, size, __builtin_frame_address(0));
  return error;
}

void* valloc(std::size_t size) noexcept {
  return sampled(g_real.valloc.load(relaxed)(size), size, __builtin_frame_address(0));
}

void* pvalloc(std::size_t size) noexcept {
  return sampled(g_real.pvalloc.load(relaxed)(size), size, __builtin_frame_address(0));
}

std::size_t malloc_usable_size(void* p) noexcept {
  if (p == nullptr) return 0;
  if (in_bootstrap_arena(p)) return coroscope::heap::detail::bootstrap_block_size(p);
  return g_real.malloc_usable_size.load(relaxed)(p);
}

}  // extern "C"

// operator new/delete: every replaceable form (C++17 aligned and sized, nothrow).
void* operator new(std::size_t size) { return new_or_throw(size, 0, __builtin_frame_address(0)); }
void* operator new[](std::size_t size) { return new_or_throw(size, 0, __builtin_frame_address(0)); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return new_nothrow(size, 0, __builtin_frame_address(0));
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return new_nothrow(size, 0, __builtin_frame_address(0));
}
void* operator new(std::size_t size, std::align_val_t al) {
  return new_or_throw(size, static_cast<std::size_t>(al), __builtin_frame_address(0));
}
void* operator new[](std::size_t size, std::align_val_t al) {
  return new_or_throw(size, static_cast<std::size_t>(al), __builtin_frame_address(0));
}
void* operator new(std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return new_nothrow(size, static_cast<std::size_t>(al), __builtin_frame_address(0));
}
void* operator new[](std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return new_nothrow(size, static_cast<std::size_t>(al), __builtin_frame_address(0));
}

void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
