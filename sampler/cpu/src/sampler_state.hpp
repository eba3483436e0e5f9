// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <atomic>
#include <cstdint>

#include <pthread.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>

#include "coroscope/sampler.hpp"
#include "sample_ring.hpp"
#include "unwind.hpp"

/// State shared by the control functions (sampler.cpp) and the signal handler
/// (signal_handler.cpp).
namespace coroscope::sampling::detail {

/// One registered thread. Owned by the registry (sampler.cpp); the thread reaches it
/// through `t_slot`. The slot outlives its thread until its ring has been drained, so a
/// thread that exits while sampled loses none of its samples.
///
/// Who touches what: `ring` is written by the thread's signal handler and read by
/// `drain`. `timer`/`has_timer` are set by `start`/`stop` (while no handler can run, see
/// sampler_globals::in_flight) or by the thread itself under the registry mutex, and read
/// by the handler to re-arm. `armed_period_ns` is written by whoever arms the timer.
struct thread_slot {
  explicit thread_slot(std::size_t ring_samples) : ring(ring_samples) {}

  pid_t tid = 0;
  pthread_t thread{};
  stack_bounds stack{};
  sample_ring ring;
  timer_t timer{};
  bool has_timer = false;
  bool retired = false;  ///< the thread unregistered or exited; freed once drained
  std::atomic<std::uint64_t> armed_period_ns{0};
};

/// The calling thread's slot; nullptr when unregistered. Initial-exec TLS: the handler
/// reads it with one %fs-relative load, no lazy TLS allocation.
extern thread_local thread_slot* t_slot __attribute__((tls_model("initial-exec")));

/// Process-wide values the signal handler reads. Constant-initialized atomics: safe to
/// use from a handler at any time, even during static destruction.
struct sampler_globals {
  /// True between start and stop. The handler raises `in_flight` before it reads
  /// `running` and lowers it when done; `stop` clears `running` and waits for
  /// `in_flight == 0` (both seq_cst), so after `stop` no handler touches a slot's timer
  /// or ring.
  std::atomic<bool> running{false};
  std::atomic<int> in_flight{0};
  std::atomic<context_hook> hook{nullptr};

  // Configuration: written by configure/start while stopped, read by handlers after they
  // saw running == true.
  std::atomic<unwinder> unwind{unwinder::frame_pointer};
  std::atomic<double> requested_hz{99.0};
  std::atomic<double> max_overhead{0.01};
  /// The governed timer period; each handler re-arms its own timer when its armed period
  /// differs.
  std::atomic<std::uint64_t> period_ns{0};

  // Counters.
  std::atomic<std::uint64_t> samples{0};
  std::atomic<std::uint64_t> dropped_other{0};
  std::atomic<std::uint64_t> cost_total_ns{0};
  std::atomic<std::uint64_t> cost_samples{0};

  // Governor window (approximate under races between threads; that is fine for a rate).
  std::atomic<std::uint32_t> window_count{0};
  std::atomic<std::uint64_t> window_cost_ns{0};
  std::atomic<std::uint64_t> window_start_ns{0};
  std::atomic<std::uint64_t> window_mean_cost_ns{0};
  std::atomic<bool> window_busy{false};
};

extern sampler_globals g_sampler;

/// The SIGPROF handler (SA_SIGINFO signature).
void handle_sigprof(int signo, siginfo_t* info, void* context);

}  // namespace coroscope::sampling::detail
