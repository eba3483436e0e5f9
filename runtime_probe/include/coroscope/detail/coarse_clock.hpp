// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>

namespace coroscope::detail {

/// A clock the hot path reads without a timestamp instruction: the collector thread stamps
/// it (`advance`) about every millisecond while a probe exists. A poll or await that was
/// not chosen for exact timing reads only `seq` at its start and end; when `seq` moved, it
/// may be long, and `bounds` says how long it lasted to within one stamp interval, from
/// the stamps kept in `ticks`.
///
/// One writer (the collector); any number of readers. Update n is at `ticks[n % kHistory]`,
/// stored before `seq` becomes n.
struct coarse_clock {
  static constexpr std::uint64_t kHistory = 1024;
  alignas(64) std::atomic<std::uint64_t> seq{0};
  alignas(64) std::array<std::atomic<std::uint64_t>, kHistory> ticks{};

  /// Writer: stamps update seq + 1 with `now` (a `ticks()` value).
  void advance(std::uint64_t now) noexcept {
    const std::uint64_t next = seq.load(std::memory_order_relaxed) + 1;
    ticks[next % kHistory].store(now, std::memory_order_relaxed);
    seq.store(next, std::memory_order_release);
  }

  std::uint64_t read_seq() const noexcept { return seq.load(std::memory_order_acquire); }

  /// The latest stamp: "now" to within one interval.
  std::uint64_t now() const noexcept {
    return ticks[read_seq() % kHistory].load(std::memory_order_relaxed);
  }

  /// The tick stamp `n` had; for a stamp older than the history, the oldest one kept (an
  /// upper bound of when `n` was stamped).
  /// A stamp not made yet reads as the latest.
  std::uint64_t tick_of(std::uint64_t n) const noexcept {
    const std::uint64_t last = read_seq();
    if (n > last) n = last;
    if (last >= kHistory && n <= last - kHistory) n = last - kHistory + 1;
    return ticks[n % kHistory].load(std::memory_order_relaxed);
  }

  /// Ticks from stamp `n` to the latest stamp: read from the history while it holds `n`,
  /// else the stamps since `n` times the history's mean stamp interval (the history is
  /// about a second, a wait may be minutes).
  std::uint64_t ticks_since(std::uint64_t n) const noexcept {
    const std::uint64_t last = read_seq();
    const std::uint64_t latest = now();
    if (n >= last) return 0;
    if (last < kHistory || n > last - kHistory) {
      const std::uint64_t then = tick_of(n);
      return latest > then ? latest - then : 0;
    }
    const std::uint64_t oldest = tick_of(last - kHistory + 1);
    const std::uint64_t mean = latest > oldest ? (latest - oldest) / (kHistory - 1) : 0;
    return (last - n) * mean;
  }

  /// How long something lasted that started while `seq` was `begin_seq` and ended at tick
  /// `end` (read after `seq` moved past it). It started between stamp begin_seq and stamp
  /// begin_seq + 1. `high` is unknown (max) when that stamp has been overwritten.
  struct span {
    std::uint64_t low, high;
  };
  span bounds(std::uint64_t begin_seq, std::uint64_t end) const noexcept {
    const std::uint64_t last = read_seq();
    span s{0, std::numeric_limits<std::uint64_t>::max()};
    if (last <= begin_seq) return {0, 0};
    const auto age = [&](std::uint64_t n) {
      const std::uint64_t t = ticks[n % kHistory].load(std::memory_order_relaxed);
      return end > t ? end - t : 0;
    };
    // Stamps older than the history are gone: the oldest one kept is still a lower bound.
    const std::uint64_t first_kept = last >= kHistory ? last - kHistory + 1 : 0;
    s.low = age(begin_seq + 1 >= first_kept ? begin_seq + 1 : first_kept);
    if (begin_seq >= first_kept) s.high = age(begin_seq);
    return s;
  }
};

extern coarse_clock g_coarse_clock;

}  // namespace coroscope::detail
