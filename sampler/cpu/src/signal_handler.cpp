// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The SIGPROF handler. Everything here is async-signal-safe: atomics, clock_gettime (vDSO),
// timer_settime, the stack walk; no allocation, no locks, errno preserved.
#include <cerrno>

#include "governor.hpp"
#include "sampler_state.hpp"

namespace coroscope::sampling::detail {

constinit thread_local thread_slot* t_slot __attribute__((tls_model("initial-exec"))) = nullptr;
constinit sampler_globals g_sampler;

namespace {

// Recursion guard. SIGPROF is blocked while its handler runs (no SA_NODEFER), but a hook
// or unwinder that faults into another handler that raises SIGPROF must not re-enter.
constinit thread_local bool t_in_handler __attribute__((tls_model("initial-exec"))) = false;

// The governor re-evaluates after this many samples process-wide, or after a second.
constexpr std::uint32_t kWindowSamples = 8;
constexpr std::uint64_t kWindowMaxNs = 1'000'000'000;

std::uint64_t realtime_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

void rearm(thread_slot& slot, std::uint64_t period_ns) noexcept {
  itimerspec spec{};
  spec.it_interval.tv_sec = static_cast<time_t>(period_ns / 1'000'000'000u);
  spec.it_interval.tv_nsec = static_cast<long>(period_ns % 1'000'000'000u);
  spec.it_value = spec.it_interval;
  if (timer_settime(slot.timer, 0, &spec, nullptr) == 0)
    slot.armed_period_ns.store(period_ns, std::memory_order_relaxed);
}

// Adds this sample's cost to the window; whoever closes a window evaluates it.
void govern(std::uint64_t now_ns, std::uint64_t cost_ns) noexcept {
  sampler_globals& g = g_sampler;
  g.window_cost_ns.fetch_add(cost_ns, std::memory_order_relaxed);
  const std::uint32_t n = g.window_count.fetch_add(1, std::memory_order_relaxed) + 1;
  const std::uint64_t start = g.window_start_ns.load(std::memory_order_relaxed);
  if (n < kWindowSamples && now_ns - start < kWindowMaxNs) return;
  if (g.window_busy.exchange(true, std::memory_order_acquire)) return;  // someone else is on it
  const std::uint32_t count = g.window_count.exchange(0, std::memory_order_relaxed);
  const std::uint64_t total = g.window_cost_ns.exchange(0, std::memory_order_relaxed);
  g.window_start_ns.store(now_ns, std::memory_order_relaxed);
  if (count > 0) {
    const double mean = static_cast<double>(total) / count;
    g.window_mean_cost_ns.store(static_cast<std::uint64_t>(mean), std::memory_order_relaxed);
    const std::uint64_t period = g.period_ns.load(std::memory_order_relaxed);
    const double current = 1e9 / static_cast<double>(period);
    const double requested = g.requested_hz.load(std::memory_order_relaxed);
    const double next =
        governed_rate(requested, current, mean, g.max_overhead.load(std::memory_order_relaxed));
    if (next != current) {
      const std::uint64_t next_period = next >= requested ? period_ns_for(requested) : period_ns_for(next);
      g.period_ns.store(next_period, std::memory_order_relaxed);
    }
  }
  g.window_busy.store(false, std::memory_order_release);
}

void take_sample(thread_slot& slot, const siginfo_t* info, ucontext_t& context) noexcept {
  sampler_globals& g = g_sampler;
  const std::uint64_t begin = realtime_ns();
  std::uint64_t period = slot.armed_period_ns.load(std::memory_order_relaxed);
  if (period == 0) period = g.period_ns.load(std::memory_order_relaxed);  // raised by hand
  if (raw_sample* record = slot.ring.reserve()) {
    record->timestamp_ns = begin;
    // A timer signal that could not be delivered in time counts its missed expirations.
    std::uint64_t expirations = 1;
    if (info != nullptr && info->si_code == SI_TIMER && info->si_overrun > 0)
      expirations += static_cast<std::uint64_t>(info->si_overrun);
    record->weight_ns = period * expirations;
    record->tid = slot.tid;
    const std::size_t depth =
        g.unwind.load(std::memory_order_relaxed) == unwinder::libunwind
            ? unwind_libunwind(context, record->pcs, kMaxFrames)
            : unwind_frame_pointers(context, slot.stack, record->pcs, kMaxFrames);
    record->depth = static_cast<std::uint16_t>(depth);
    record->context = sample_context{};
    if (context_hook hook = g.hook.load(std::memory_order_acquire)) {
      hook(record->context);
      // Never trust the hook with the consumer's bounds.
      record->context.task_name[sizeof record->context.task_name - 1] = '\0';
      if (record->context.async_depth > kMaxAsyncFrames)
        record->context.async_depth = static_cast<std::uint16_t>(kMaxAsyncFrames);
    }
    slot.ring.publish();
    g.samples.fetch_add(1, std::memory_order_relaxed);
  }  // else the ring counted the drop
  const std::uint64_t end = realtime_ns();
  const std::uint64_t cost = end > begin ? end - begin : 0;
  g.cost_total_ns.fetch_add(cost, std::memory_order_relaxed);
  g.cost_samples.fetch_add(1, std::memory_order_relaxed);
  govern(end, cost);
  const std::uint64_t wanted = g.period_ns.load(std::memory_order_relaxed);
  if (slot.has_timer && wanted != slot.armed_period_ns.load(std::memory_order_relaxed))
    rearm(slot, wanted);
}

}  // namespace

void handle_sigprof(int, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  sampler_globals& g = g_sampler;
  if (t_in_handler) {
    g.dropped_other.fetch_add(1, std::memory_order_relaxed);
    errno = saved_errno;
    return;
  }
  t_in_handler = true;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  if (thread_slot* slot = t_slot; slot == nullptr) {
    g.dropped_other.fetch_add(1, std::memory_order_relaxed);  // unregistered thread
  } else {
    g.in_flight.fetch_add(1, std::memory_order_seq_cst);
    if (g.running.load(std::memory_order_seq_cst) && context != nullptr)
      take_sample(*slot, info, *static_cast<ucontext_t*>(context));
    g.in_flight.fetch_sub(1, std::memory_order_seq_cst);
  }
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t_in_handler = false;
  errno = saved_errno;
}

}  // namespace coroscope::sampling::detail
