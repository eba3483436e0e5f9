// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "co_test.hpp"

#include <time.h>

namespace coroscope::test {
namespace {

std::int64_t thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

void burn_cpu(std::chrono::nanoseconds ns) {
  const std::int64_t end = thread_cpu_ns() + ns.count();
  volatile std::uint64_t sink = 0;
  while (thread_cpu_ns() < end) {
    for (int i = 0; i < 1000; ++i) sink = sink + static_cast<std::uint64_t>(i);
  }
}

}  // namespace coroscope::test
