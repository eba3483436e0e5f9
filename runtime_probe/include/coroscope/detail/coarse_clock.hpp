// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>
#include <thread>
#include <type_traits>

namespace coroscope::detail {

/// A clock the hot path reads without a timestamp instruction: the collector thread stamps
/// it (`advance`) about every millisecond while a probe exists. A poll or await that was
/// not chosen for exact timing reads only `seq` at its start and end; when `seq` moved, it
/// may be long, and `bounds` says how long it lasted to within one stamp interval, from
/// the stamps kept in `ticks`.
///
/// One writer at a time; any number of readers. Update n is at `ticks[n % kHistory]`,
/// stored before `seq` becomes n. A stamp after a pause steps over the intervals nobody
/// stamped (`advance_to`), so that ages older than the history (the stamps since times
/// the history's mean interval) stay near the truth.
///
/// The stamper dozes while every worker is parked, when no poll or await can begin: see
/// `doze`. The thread that ends a doze (a worker unparking, a thread that becomes a worker
/// or runs a handler outside the workers, a snapshot, the collector when the doze times
/// out) stamps the clock before anyone goes on, so the next poll reads a fresh stamp.
struct coarse_clock {
  static constexpr std::uint64_t kHistory = 1024;
  alignas(64) std::atomic<std::uint64_t> seq{0};
  /// The update being written (the seqlock readers check: `seq` until an update starts).
  std::atomic<std::uint64_t> writing{0};
  /// The stamp interval in ticks, set once by the collector (0: every stamp is one step).
  std::atomic<std::uint64_t> interval_ticks{0};
  /// Most intervals one stamp steps over: a longer pause (a stopped process) counts as this.
  static constexpr std::uint64_t kMaxSteps = kHistory / 8;
  alignas(64) std::array<std::atomic<std::uint64_t>, kHistory> ticks{};

  /// Who writes the clock while it dozes (a futex word).
  enum doze_state : std::uint32_t {
    awake = 0,     ///< the collector stamps
    entering = 1,  ///< the collector stamps once more, then sleeps unless woken meanwhile
    asleep = 2,    ///< nobody stamps: the first thread to go on takes the clock
    taken = 3,     ///< a thread that ended the doze stamps it, then wakes the collector
  };
  alignas(64) std::atomic<std::uint32_t> dozing{awake};

  /// Writer: stamps update seq + 1 with `now` (a `ticks()` value); with `steps` > 1, the
  /// updates up to seq + steps too (none was read: nothing began since the last stamp),
  /// so that seq + steps is the next update.
  void advance(std::uint64_t now, std::uint64_t steps = 1) noexcept {
    const std::uint64_t last = seq.load(std::memory_order_relaxed);
    steps = steps < 1 ? 1 : steps > kHistory ? kHistory : steps;
    writing.store(last + steps, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);  // readers that see a new tick see `writing`
    for (std::uint64_t n = last + 1; n <= last + steps; ++n)
      ticks[n % kHistory].store(now, std::memory_order_relaxed);
    seq.store(last + steps, std::memory_order_release);
  }

  /// Writer: stamps `now`, stepping over the intervals since the latest stamp (at least
  /// one step, at most kMaxSteps).
  void advance_to(std::uint64_t now) noexcept {
    const std::uint64_t interval = interval_ticks.load(std::memory_order_relaxed);
    const std::uint64_t latest = tick_at(seq.load(std::memory_order_relaxed));
    const std::uint64_t steps = interval && now > latest ? (now - latest) / interval : 1;
    advance(now, steps > kMaxSteps ? kMaxSteps : steps);
  }

  /// The collector, with every worker parked: sleeps up to `limit_ns`, unless
  /// `still_idle()` (read after the doze is announced) is false or a thread ends the doze
  /// first. Stamps once as it begins, at `now()` read after that check (a worker that ended
  /// the doze meanwhile may have begun a poll: the stamp must not be older than it):
  /// whatever began before the doze began before that stamp. Returns whether it slept.
  template <typename Idle, typename Now>
  bool doze(std::int64_t limit_ns, Idle&& still_idle, Now&& now) noexcept {
    dozing.store(entering, std::memory_order_relaxed);
    // Pairs with the fence in wake_if_dozing: a worker that unparks after this check sees
    // the doze announced.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (!still_idle()) {
      // A thread may have ended the doze already (entering -> awake): either way, awake.
      dozing.store(awake, std::memory_order_relaxed);
      return false;
    }
    advance_to(now());
    std::uint32_t expected = entering;
    if (!dozing.compare_exchange_strong(expected, asleep, std::memory_order_acq_rel))
      return false;  // a thread ended it while it began (dozing is awake again)
    sleep(limit_ns);
    wake_up();
    return true;
  }

  /// A worker is about to poll (it unparked, or became a worker): ends a doze. Off the poll
  /// path: a fence and a load; a stamp and a syscall only when the collector dozes.
  void wake_if_dozing() noexcept {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (dozing.load(std::memory_order_relaxed) != awake) end_doze();
  }
  /// Ends a doze (stamps, wakes the collector): for a thread about to poll or to read ages.
  /// `no_worker`: the thread is none of the workers, so their parks do not show that it
  /// runs (the collector then waits a while before it dozes again).
  void end_doze(bool no_worker = false) noexcept;
  /// Set when a thread that is no worker ended a doze; the collector clears it.
  std::atomic<bool> ended_by_no_worker{false};

  std::uint64_t read_seq() const noexcept { return seq.load(std::memory_order_acquire); }

  /// The latest stamp: "now" to within one interval.
  std::uint64_t now() const noexcept {
    return consistent([&](std::uint64_t last) { return tick_at(last); });
  }

  /// The tick stamp `n` had; for a stamp older than the history, the oldest one kept (an
  /// upper bound of when `n` was stamped).
  /// A stamp not made yet reads as the latest.
  std::uint64_t tick_of(std::uint64_t n) const noexcept {
    return consistent([&](std::uint64_t last) { return kept_tick(n, last); });
  }

  /// Ticks from stamp `n` to the latest stamp: read from the history while it holds `n`,
  /// else the stamps since `n` times the history's mean stamp interval (the history is
  /// about a second, a wait may be minutes).
  std::uint64_t ticks_since(std::uint64_t n) const noexcept {
    return consistent([&](std::uint64_t last) -> std::uint64_t {
      const std::uint64_t latest = tick_at(last);
      if (n >= last) return 0;
      if (last < kHistory || n > last - kHistory) {
        const std::uint64_t then = kept_tick(n, last);
        return latest > then ? latest - then : 0;
      }
      const std::uint64_t oldest = kept_tick(last - kHistory + 1, last);
      const std::uint64_t mean = latest > oldest ? (latest - oldest) / (kHistory - 1) : 0;
      return (last - n) * mean;
    });
  }

  /// How long something lasted that started while `seq` was `begin_seq` and ended at tick
  /// `end` (read after `seq` moved past it). It started between stamp begin_seq and stamp
  /// begin_seq + 1. `high` is unknown (max) when that stamp has been overwritten.
  struct span {
    std::uint64_t low, high;
  };
  span bounds(std::uint64_t begin_seq, std::uint64_t end) const noexcept {
    return consistent([&](std::uint64_t last) -> span {
      span s{0, std::numeric_limits<std::uint64_t>::max()};
      if (last <= begin_seq) return {0, 0};
      const auto age = [&](std::uint64_t n) {
        const std::uint64_t t = tick_at(n);
        return end > t ? end - t : 0;
      };
      // Stamps older than the history are gone: the oldest one kept is still a lower bound.
      const std::uint64_t first_kept = last >= kHistory ? last - kHistory + 1 : 0;
      s.low = age(begin_seq + 1 >= first_kept ? begin_seq + 1 : first_kept);
      if (begin_seq >= first_kept) s.high = age(begin_seq);
      return s;
    });
  }

 private:
  std::uint64_t tick_at(std::uint64_t n) const noexcept {
    return ticks[n % kHistory].load(std::memory_order_relaxed);
  }
  std::uint64_t kept_tick(std::uint64_t n, std::uint64_t last) const noexcept {
    if (n > last) n = last;
    if (last >= kHistory && n <= last - kHistory) n = last - kHistory + 1;
    return tick_at(n);
  }
  /// `read(last)` from the stamps as they were at update `last`, read again if an update
  /// was written meanwhile (it overwrites the oldest stamps).
  template <typename Read>
  std::invoke_result_t<Read&, std::uint64_t> consistent(Read&& read) const noexcept {
    for (unsigned tries = 0;; ++tries) {
      const std::uint64_t last = read_seq();
      const auto value = read(last);
      std::atomic_thread_fence(std::memory_order_acquire);
      if (writing.load(std::memory_order_relaxed) == last) return value;
      // The writer was preempted mid-update (by this very thread, maybe, on its CPU).
      if (tries >= 64) std::this_thread::yield();
    }
  }

  void sleep(std::int64_t limit_ns) noexcept;  // futex wait while asleep
  bool take_and_stamp() noexcept;            // asleep -> taken, stamp, awake; false if not asleep
  void wake_up() noexcept;                   // the collector, after sleep: stamped, awake
  void wait_while_taken() noexcept;          // another thread stamps: until it has
};

extern coarse_clock g_coarse_clock;

}  // namespace coroscope::detail
