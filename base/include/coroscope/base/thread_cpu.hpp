// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <time.h>

#include <cstdint>

namespace coroscope::base {

/// CPU time of the thread whose clock is `clock` (from pthread_getcpuclockid), in ns;
/// -1 when it cannot be read (the thread has exited).
inline std::int64_t thread_cpu_ns(clockid_t clock) noexcept {
  timespec ts;
  if (clock_gettime(clock, &ts) != 0) return -1;
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

/// CPU time of the calling thread, in ns.
inline std::uint64_t this_thread_cpu_ns() noexcept {
  const std::int64_t ns = thread_cpu_ns(CLOCK_THREAD_CPUTIME_ID);
  return ns < 0 ? 0 : static_cast<std::uint64_t>(ns);
}

}  // namespace coroscope::base
