// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "real_functions.hpp"

#include <dlfcn.h>
#include <errno.h>
#include <sched.h>

#include <cstring>

// glibc's own entry points: the fallback when dlsym finds nothing.
extern "C" {
void* __libc_malloc(std::size_t);
void __libc_free(void*);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void* __libc_valloc(std::size_t);
void* __libc_pvalloc(std::size_t);
}

namespace coroscope::heap::detail {
namespace {

// Resolution state: 0 not started, 1 in progress, 2 done.
constinit std::atomic<int> g_resolve_state{0};
// The thread inside dlsym takes bootstrap memory; initial-exec so reading it never
// allocates (a dynamic TLS access could).
constinit __thread bool t_resolving __attribute__((tls_model("initial-exec"))) = false;
constinit std::atomic<std::size_t> g_arena_used{0};

constexpr std::size_t kArenaAlign = 16;

void* bootstrap_alloc(std::size_t size, std::size_t alignment = kArenaAlign) noexcept {
  if (alignment < kArenaAlign) alignment = kArenaAlign;
  // Each block: a 16-byte header holding its size, then the data (aligned).
  std::size_t used = g_arena_used.load(std::memory_order_relaxed);
  for (;;) {
    std::size_t data = (used + kArenaAlign + alignment - 1) & ~(alignment - 1);
    if (data + size > kBootstrapArenaBytes || data + size < data) return nullptr;
    if (g_arena_used.compare_exchange_weak(used, data + size, std::memory_order_relaxed)) {
      std::memcpy(g_bootstrap_arena + data - sizeof(std::size_t), &size, sizeof size);
      return g_bootstrap_arena + data;
    }
  }
}

template <typename T>
T lookup(const char* name, T fallback) noexcept {
  void* symbol = ::dlsym(RTLD_NEXT, name);
  return symbol != nullptr ? reinterpret_cast<T>(symbol) : fallback;
}

void* libc_aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  return __libc_memalign(alignment, size);
}
int libc_posix_memalign(void** out, std::size_t alignment, std::size_t size) noexcept {
  void* p = __libc_memalign(alignment, size);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}
std::size_t no_usable_size(void*) noexcept { return 0; }

// Trampolines: the initial values of g_real. Inside dlsym they hand out arena memory.
void* first_malloc(std::size_t size) noexcept {
  if (t_resolving) return bootstrap_alloc(size);
  resolve_real_functions();
  return g_real.malloc.load(std::memory_order_relaxed)(size);
}
void first_free(void* p) noexcept {
  if (p == nullptr || in_bootstrap_arena(p)) return;
  resolve_real_functions();
  g_real.free.load(std::memory_order_relaxed)(p);
}
void* first_calloc(std::size_t n, std::size_t size) noexcept {
  if (t_resolving) {
    std::size_t bytes = 0;
    if (__builtin_mul_overflow(n, size, &bytes)) return nullptr;
    return bootstrap_alloc(bytes);  // the arena is zero and never reused
  }
  resolve_real_functions();
  return g_real.calloc.load(std::memory_order_relaxed)(n, size);
}
void* first_realloc(void* p, std::size_t size) noexcept {
  if (t_resolving) {
    void* q = bootstrap_alloc(size);
    if (q != nullptr && p != nullptr) {
      const std::size_t old = bootstrap_block_size(p);
      std::memcpy(q, p, old < size ? old : size);
    }
    return q;
  }
  resolve_real_functions();
  return g_real.realloc.load(std::memory_order_relaxed)(p, size);
}
void* first_memalign(std::size_t alignment, std::size_t size) noexcept {
  if (t_resolving) return bootstrap_alloc(size, alignment);
  resolve_real_functions();
  return g_real.memalign.load(std::memory_order_relaxed)(alignment, size);
}
void* first_aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  if (t_resolving) return bootstrap_alloc(size, alignment);
  resolve_real_functions();
  return g_real.aligned_alloc.load(std::memory_order_relaxed)(alignment, size);
}
int first_posix_memalign(void** out, std::size_t alignment, std::size_t size) noexcept {
  if (t_resolving) {
    void* p = bootstrap_alloc(size, alignment);
    if (p == nullptr) return ENOMEM;
    *out = p;
    return 0;
  }
  resolve_real_functions();
  return g_real.posix_memalign.load(std::memory_order_relaxed)(out, alignment, size);
}
void* first_valloc(std::size_t size) noexcept {
  if (t_resolving) return bootstrap_alloc(size, 4096);
  resolve_real_functions();
  return g_real.valloc.load(std::memory_order_relaxed)(size);
}
void* first_pvalloc(std::size_t size) noexcept {
  if (t_resolving) return bootstrap_alloc((size + 4095) & ~std::size_t{4095}, 4096);
  resolve_real_functions();
  return g_real.pvalloc.load(std::memory_order_relaxed)(size);
}
std::size_t first_malloc_usable_size(void* p) noexcept {
  if (t_resolving) return 0;
  resolve_real_functions();
  return g_real.malloc_usable_size.load(std::memory_order_relaxed)(p);
}

}  // namespace

alignas(64) constinit unsigned char g_bootstrap_arena[kBootstrapArenaBytes] = {};

constinit real_functions g_real{
    &first_malloc,  &first_free,          &first_calloc, &first_realloc, &first_memalign,
    &first_aligned_alloc, &first_posix_memalign, &first_valloc, &first_pvalloc,
    &first_malloc_usable_size};

std::size_t bootstrap_block_size(const void* p) noexcept {
  std::size_t size = 0;
  std::memcpy(&size, static_cast<const unsigned char*>(p) - sizeof size, sizeof size);
  return size;
}

void resolve_real_functions() noexcept {
  int state = g_resolve_state.load(std::memory_order_acquire);
  if (state == 2) return;
  if (state == 0 && g_resolve_state.compare_exchange_strong(state, 1, std::memory_order_acq_rel)) {
    t_resolving = true;
    constexpr auto relaxed = std::memory_order_relaxed;
    auto* malloc_fn = lookup<void* (*)(std::size_t)>("malloc", &__libc_malloc);
    auto* free_fn = lookup<void (*)(void*)>("free", &__libc_free);
    auto* calloc_fn = lookup<void* (*)(std::size_t, std::size_t)>("calloc", &__libc_calloc);
    auto* realloc_fn = lookup<void* (*)(void*, std::size_t)>("realloc", &__libc_realloc);
    auto* memalign_fn = lookup<void* (*)(std::size_t, std::size_t)>("memalign", &__libc_memalign);
    auto* aligned_fn = lookup<void* (*)(std::size_t, std::size_t)>("aligned_alloc", &libc_aligned_alloc);
    auto* posix_fn = lookup<int (*)(void**, std::size_t, std::size_t)>("posix_memalign", &libc_posix_memalign);
    auto* valloc_fn = lookup<void* (*)(std::size_t)>("valloc", &__libc_valloc);
    auto* pvalloc_fn = lookup<void* (*)(std::size_t)>("pvalloc", &__libc_pvalloc);
    auto* usable_fn = lookup<std::size_t (*)(void*)>("malloc_usable_size", &no_usable_size);
    g_real.malloc.store(malloc_fn, relaxed);
    g_real.free.store(free_fn, relaxed);
    g_real.calloc.store(calloc_fn, relaxed);
    g_real.realloc.store(realloc_fn, relaxed);
    g_real.memalign.store(memalign_fn, relaxed);
    g_real.aligned_alloc.store(aligned_fn, relaxed);
    g_real.posix_memalign.store(posix_fn, relaxed);
    g_real.valloc.store(valloc_fn, relaxed);
    g_real.pvalloc.store(pvalloc_fn, relaxed);
    g_real.malloc_usable_size.store(usable_fn, relaxed);
    t_resolving = false;
    g_resolve_state.store(2, std::memory_order_release);
    return;
  }
  // Another thread resolves: dlsym is quick, wait for it.
  while (g_resolve_state.load(std::memory_order_acquire) != 2) ::sched_yield();
}

}  // namespace coroscope::heap::detail
