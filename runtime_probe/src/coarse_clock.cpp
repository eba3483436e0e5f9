// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The coarse clock's doze (coarse_clock.hpp): a futex on `coarse_clock::dozing`, so that
// ending it is a stamp and one syscall, with no lock (a worker never waits for the
// collector). The writer is the collector while `dozing` is awake or entering, and the
// thread that moved it from asleep to taken until it stores awake again.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <ctime>

#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/coarse_clock.hpp"

namespace coroscope::detail {
namespace {

long futex(std::atomic<std::uint32_t>& word, int op, std::uint32_t value,
           const timespec* timeout) noexcept {
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
  return ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), op, value, timeout,
                   nullptr, 0);
}

}  // namespace

void coarse_clock::sleep(std::int64_t limit_ns) noexcept {
  if (limit_ns <= 0) return;
  const timespec limit{static_cast<time_t>(limit_ns / 1'000'000'000),
                       static_cast<long>(limit_ns % 1'000'000'000)};
  // One wait: a spurious return (a signal) ends the doze early, which is harmless.
  futex(dozing, FUTEX_WAIT_PRIVATE, asleep, &limit);
}

bool coarse_clock::take_and_stamp() noexcept {
  std::uint32_t expected = asleep;
  if (!dozing.compare_exchange_strong(expected, taken, std::memory_order_acq_rel)) return false;
  advance_to(::coroscope::detail::ticks());
  dozing.store(awake, std::memory_order_release);
  // The sleeping collector, and any thread in wait_while_taken.
  futex(dozing, FUTEX_WAKE_PRIVATE, INT_MAX, nullptr);
  return true;
}

void coarse_clock::wake_up() noexcept {
  // The doze timed out, or a thread has taken the clock: either way, a stamp from after the
  // doze is in place before the collector (or anyone) goes on.
  if (!take_and_stamp()) wait_while_taken();
}

void coarse_clock::wait_while_taken() noexcept {
  // A stamp is a few hundred stores: spin a little, then sleep until the stamping thread
  // wakes us. Not a yield: a waiter of higher priority on the stamper's CPU (a real-time
  // worker) would run again at once, and the stamp would never finish.
  for (unsigned spins = 0; spins < 64; ++spins)
    if (dozing.load(std::memory_order_acquire) != taken) return;
  while (dozing.load(std::memory_order_acquire) == taken)
    futex(dozing, FUTEX_WAIT_PRIVATE, taken, nullptr);
}

void coarse_clock::end_doze(bool no_worker) noexcept {
  std::uint32_t state = dozing.load(std::memory_order_acquire);
  for (;;) {
    switch (state) {
      case awake:
        return;
      case entering:
        // The collector has not slept yet: it will not, and it stamps as it goes on.
        if (dozing.compare_exchange_weak(state, awake, std::memory_order_acq_rel)) return;
        continue;
      case asleep:
        // Set before the stamp makes the clock awake: the collector reads it after that.
        if (no_worker) ended_by_no_worker.store(true, std::memory_order_relaxed);
        if (take_and_stamp()) return;  // before this thread's next poll reads `seq`
        state = dozing.load(std::memory_order_acquire);
        continue;
      default:
        wait_while_taken();
        return;
    }
  }
}

}  // namespace coroscope::detail
