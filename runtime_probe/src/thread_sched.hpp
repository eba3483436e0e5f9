// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace coroscope::detail {

/// Time thread `tid` of this process has spent runnable but waiting for a CPU (the run
/// queue), from /proc/self/task/<tid>/schedstat; 0 when the kernel does not say (kernels
/// built or booted without schedstats write zeros there).
std::int64_t run_queue_wait_ns(pid_t tid);

/// Whether thread `tid` of this process gave up its CPU itself (it blocked: a sleep, a lock,
/// a read), from /proc/self/task/<tid>/status: its state and its count of voluntary context
/// switches. Preemption is counted apart (nonvoluntary), so a thread that only computes,
/// however starved of CPU, is never `sleeping` and does not move `voluntary_switches`.
struct blocking_view {
  bool known = false;
  bool sleeping = false;  ///< state S (interruptible) or D (uninterruptible) now
  std::int64_t voluntary_switches = 0;
};
blocking_view read_blocking_view(pid_t tid);

}  // namespace coroscope::detail
