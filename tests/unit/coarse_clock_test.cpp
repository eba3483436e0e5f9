// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The coarse clock keeps about a second of stamps; how long ago a stamp was must hold for
// waits of minutes too (task dumps, the `stuck` lint).
#include <cstdint>

#include <gtest/gtest.h>

#include "coroscope/detail/coarse_clock.hpp"
#include "coroscope/detail/thread_state.hpp"

namespace {

using coroscope::detail::coarse_clock;

// Stamps 1..count at `interval` ticks apart, the first at `interval`.
void stamp(coarse_clock& clock, std::uint64_t count, std::uint64_t interval) {
  for (std::uint64_t i = 1; i <= count; ++i) clock.advance(i * interval);
}

TEST(CoarseClock, TicksSinceAStampInTheHistoryAreExact) {
  coarse_clock clock;
  stamp(clock, 500, 10);
  EXPECT_EQ(clock.ticks_since(500), 0u);
  EXPECT_EQ(clock.ticks_since(400), 1000u);
  EXPECT_EQ(clock.ticks_since(1), 4990u);
  EXPECT_EQ(clock.ticks_since(600), 0u) << "a stamp not made yet";
}

TEST(CoarseClock, TicksSinceAStampOlderThanTheHistoryGoOnGrowing) {
  coarse_clock clock;
  const std::uint64_t stamps = 100 * coarse_clock::kHistory;
  stamp(clock, stamps, 10);
  // Stamp 1 was at tick 10, the latest at tick 10 * stamps: the history's mean interval
  // (10) times the stamps since, not the age of the oldest stamp kept.
  EXPECT_EQ(clock.ticks_since(1), (stamps - 1) * 10);
  EXPECT_GT(clock.ticks_since(1), clock.ticks_since(stamps - coarse_clock::kHistory));
  EXPECT_EQ(clock.ticks_since(stamps - 10), 100u);
}

// A worker's current-poll word (one store per poll) packs the coarse clock's sequence and
// the task's slot; the hot path does not mask the sequence, so it must stay below 2^40.
TEST(CurrentPoll, PackedWordKeepsTheSequenceAndTheSlot) {
  using namespace coroscope::detail;
  for (const std::uint64_t seq : {0ull, 1ull, 123456789ull, (1ull << 40) - 2}) {
    for (const std::uint32_t slot_plus_1 : {0u, 1u, 4096u, (1u << 24) - 1}) {
      const std::uint64_t packed = pack_current_poll(seq, slot_plus_1);
      EXPECT_NE(packed, 0u) << "0 means: not polling";
      EXPECT_EQ(current_poll_seq(packed), seq);
      EXPECT_EQ(current_poll_slot(packed), slot_plus_1);
    }
  }
}

}  // namespace
