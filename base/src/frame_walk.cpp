// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/base/frame_walk.hpp>

#include <pthread.h>

namespace coroscope::base {

stack_bounds current_thread_stack() noexcept {
  stack_bounds bounds;
  pthread_attr_t attr;
  if (::pthread_getattr_np(::pthread_self(), &attr) != 0) return bounds;
  void* base = nullptr;
  std::size_t size = 0;
  if (::pthread_attr_getstack(&attr, &base, &size) == 0 && base != nullptr) {
    bounds.low = reinterpret_cast<std::uintptr_t>(base);
    bounds.high = bounds.low + size;
  }
  ::pthread_attr_destroy(&attr);
  return bounds;
}

// The records read here are this thread's own stack, but not objects the sanitizers track:
// reading them must not be instrumented (and a signal handler must not call into them).
__attribute__((no_sanitize("address", "undefined", "thread")))
std::size_t walk_frame_pointers(std::uintptr_t fp, stack_bounds bounds, std::uintptr_t* pcs,
                                std::size_t max_pcs) noexcept {
  constexpr std::uintptr_t kRecord = 2 * sizeof(std::uintptr_t);
  // Bounds too small for one record (or none): nothing to read, and `high - kRecord`
  // below cannot wrap around.
  if (bounds.high < kRecord || bounds.high - kRecord < bounds.low) return 0;
  const std::uintptr_t last_record = bounds.high - kRecord;
  std::uintptr_t lowest = bounds.low;  // the next record must start at or above this
  std::size_t n = 0;
  while (n < max_pcs) {
    if ((fp & (sizeof(std::uintptr_t) - 1)) != 0) break;
    if (fp < lowest || fp > last_record) break;
    const auto* record = reinterpret_cast<const std::uintptr_t*>(fp);
    const std::uintptr_t next = record[0];
    const std::uintptr_t ret = record[1];
    if (ret == 0) break;
    pcs[n++] = ret;
    if (next <= fp) break;  // the chain must go strictly up the stack
    lowest = fp + kRecord;
    fp = next;
  }
  return n;
}

}  // namespace coroscope::base
