// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The coarse clock keeps about a second of stamps; how long ago a stamp was must hold for
// waits of minutes too (task dumps, the `stuck` lint).
#include <chrono>
#include <cstdint>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "coroscope/detail/coarse_clock.hpp"
#include "coroscope/detail/thread_state.hpp"

namespace {

using coroscope::detail::coarse_clock;
constexpr std::int64_t kHour = 3'600'000'000'000;

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

// After a doze the stamper advances by the intervals that passed: the sequence keeps
// counting intervals, so the age of a stamp older than the history stays right.
TEST(CoarseClock, StepsOverADozeKeepTheSequenceCountingIntervals) {
  coarse_clock clock;
  stamp(clock, 500, 10);
  clock.advance(5500, 50);  // a doze of 50 intervals
  EXPECT_EQ(clock.read_seq(), 550u);
  EXPECT_EQ(clock.ticks_since(500), 500u);
  EXPECT_EQ(clock.tick_of(501), 5500u) << "what read 500 began before the stamp after the doze";
  for (std::uint64_t i = 1; i <= 2 * coarse_clock::kHistory; ++i) clock.advance(5500 + i * 10);
  EXPECT_EQ(clock.ticks_since(1), clock.now() - 10) << "the mean interval is still 10";
  clock.advance(clock.now() + 10, 0);
  EXPECT_EQ(clock.read_seq(), 551u + 2 * coarse_clock::kHistory) << "at least one step";
}

// With an interval set, a stamp steps over the intervals since the latest stamp: at least
// one (a doze's stamps come within an interval of the one before), at most kMaxSteps (a
// stopped process), and the stamps after go on from there.
TEST(CoarseClock, AdvanceToStepsOverTheIntervalsSinceTheLatestStamp) {
  coarse_clock clock;
  clock.interval_ticks = 10;
  clock.advance_to(25);
  EXPECT_EQ(clock.read_seq(), 2u);
  for (int i = 0; i < 5; ++i) clock.advance_to(27);
  EXPECT_EQ(clock.read_seq(), 7u) << "every stamp is a step";
  clock.advance_to(37);
  EXPECT_EQ(clock.read_seq(), 8u);
  clock.advance_to(537);
  EXPECT_EQ(clock.read_seq(), 58u);
  EXPECT_EQ(clock.tick_of(30), 537u) << "the intervals nobody stamped";
  clock.advance_to(10'000'000);
  EXPECT_EQ(clock.read_seq(), 58u + coarse_clock::kMaxSteps);
  clock.advance_to(10'000'010);
  EXPECT_EQ(clock.read_seq(), 59u + coarse_clock::kMaxSteps);
}

TEST(CoarseClock, NoDozeWhileAWorkerIsActive) {
  coarse_clock clock;
  stamp(clock, 3, 10);
  EXPECT_FALSE(clock.doze(kHour, [] { return false; }, [] { return 40; }));
  EXPECT_EQ(clock.read_seq(), 3u) << "no stamp without a doze";
  EXPECT_EQ(clock.dozing.load(), coarse_clock::awake);
}

TEST(CoarseClock, ADozeEndsAtItsLimit) {
  coarse_clock clock;
  stamp(clock, 3, 10);
  EXPECT_TRUE(clock.doze(1'000'000, [] { return true; }, [] { return 40; }));
  EXPECT_EQ(clock.read_seq(), 5u) << "a stamp as it begins, and one as it ends";
  EXPECT_EQ(clock.dozing.load(), coarse_clock::awake);
}

// A worker may end the doze while it begins (and begin a poll): the doze's stamp reads the
// clock after the idle check, never before, so it is not older than that poll.
TEST(CoarseClock, ADozeReadsItsStampAfterTheIdleCheck) {
  coarse_clock clock;
  stamp(clock, 3, 10);
  bool checked = false, stamped_after_check = false;
  clock.doze(1'000'000, [&] { return checked = true; }, [&] {
    stamped_after_check = checked;
    return 40;
  });
  EXPECT_TRUE(stamped_after_check);
}

// The doze stamps as it begins (whatever began before the doze began before that stamp);
// the thread that ends it stamps again before it goes on, so that its next poll reads a
// stamp from after the doze, not the collector's wake some time later.
TEST(CoarseClock, TheThreadThatEndsADozeStampsBeforeItGoesOn) {
  coarse_clock clock;
  stamp(clock, 3, 10);
  auto dozed = std::async(std::launch::async, [&] {
    return clock.doze(kHour, [] { return true; }, [] { return 40; });
  });
  while (clock.dozing.load() != coarse_clock::asleep) std::this_thread::yield();
  EXPECT_EQ(clock.read_seq(), 4u);
  clock.wake_if_dozing();
  EXPECT_EQ(clock.read_seq(), 5u);
  ASSERT_EQ(dozed.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  EXPECT_TRUE(dozed.get());
  EXPECT_EQ(clock.dozing.load(), coarse_clock::awake);
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
