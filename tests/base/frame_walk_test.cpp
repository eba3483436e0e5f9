// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The frame-pointer walk over synthetic stacks: chains laid out in an array, bounds set
// around them. The CPU and heap samplers each had a walk of their own; the CPU one had no
// guard against bounds smaller than one record, the heap one none against a chain
// starting below the interrupted stack pointer. These cases hold both guards.
#include <coroscope/base/frame_walk.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

namespace {

using coroscope::base::current_thread_stack;
using coroscope::base::stack_bounds;
using coroscope::base::walk_frame_pointers;

/// A fake stack of words; record i sits at words [2i, 2i+1] and returns to 0x1000 + i.
struct fake_stack {
  alignas(16) std::array<std::uintptr_t, 32> words{};

  std::uintptr_t at(std::size_t word) const {
    return reinterpret_cast<std::uintptr_t>(&words[word]);
  }
  stack_bounds bounds() const { return {at(0), at(0) + sizeof words}; }
  /// Chains `count` records, each pointing at the next one two words up; the last
  /// points at `last_next`.
  void chain(std::size_t count, std::uintptr_t last_next = 0) {
    for (std::size_t i = 0; i < count; ++i) {
      words[2 * i] = i + 1 < count ? at(2 * (i + 1)) : last_next;
      words[2 * i + 1] = 0x1000 + i;
    }
  }
};

TEST(frame_walk, follows_a_chain_up_the_stack) {
  fake_stack s;
  s.chain(4);
  std::array<std::uintptr_t, 16> pcs{};
  // The last record points at 0: below it, so the walk ends after reading it.
  ASSERT_EQ(walk_frame_pointers(s.at(0), s.bounds(), pcs.data(), pcs.size()), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(pcs[i], 0x1000 + i);
}

TEST(frame_walk, stops_at_max_pcs) {
  fake_stack s;
  s.chain(8);
  std::array<std::uintptr_t, 3> pcs{};
  EXPECT_EQ(walk_frame_pointers(s.at(0), s.bounds(), pcs.data(), pcs.size()), 3u);
  EXPECT_EQ(walk_frame_pointers(s.at(0), s.bounds(), pcs.data(), 0), 0u);
}

TEST(frame_walk, stops_at_a_loop_or_a_chain_going_down) {
  fake_stack s;
  s.chain(3);
  s.words[4] = s.at(0);  // record 2 points back at record 0
  std::array<std::uintptr_t, 16> pcs{};
  EXPECT_EQ(walk_frame_pointers(s.at(0), s.bounds(), pcs.data(), pcs.size()), 3u);
  s.words[0] = s.at(0);  // record 0 points at itself
  EXPECT_EQ(walk_frame_pointers(s.at(0), s.bounds(), pcs.data(), pcs.size()), 1u);
}

TEST(frame_walk, stops_at_a_zero_return_address) {
  fake_stack s;
  s.chain(4);
  s.words[5] = 0;  // record 2 returns nowhere
  std::array<std::uintptr_t, 16> pcs{};
  EXPECT_EQ(walk_frame_pointers(s.at(0), s.bounds(), pcs.data(), pcs.size()), 2u);
}

TEST(frame_walk, reads_no_record_outside_the_bounds) {
  fake_stack s;
  s.chain(4);
  std::array<std::uintptr_t, 16> pcs{};
  // Below the low bound (a chain starting under the interrupted stack pointer).
  EXPECT_EQ(walk_frame_pointers(s.at(0), {s.at(2), s.bounds().high}, pcs.data(), pcs.size()), 0u);
  // A record straddling the high bound is not read: only records 0 and 1 fit in 5 words.
  EXPECT_EQ(walk_frame_pointers(s.at(0), {s.at(0), s.at(5)}, pcs.data(), pcs.size()), 2u);
  // Misaligned.
  EXPECT_EQ(walk_frame_pointers(s.at(0) + 1, s.bounds(), pcs.data(), pcs.size()), 0u);
  // The next record points past the bounds.
  s.chain(2, s.at(0) + 4096);
  EXPECT_EQ(walk_frame_pointers(s.at(0), s.bounds(), pcs.data(), pcs.size()), 2u);
}

TEST(frame_walk, bounds_smaller_than_a_record_read_nothing) {
  fake_stack s;
  s.chain(4);
  std::array<std::uintptr_t, 16> pcs{};
  // high - 16 would wrap around below zero: no record can lie in [0, 8).
  EXPECT_EQ(walk_frame_pointers(s.at(0), {0, 8}, pcs.data(), pcs.size()), 0u);
  EXPECT_EQ(walk_frame_pointers(s.at(0), {0, 0}, pcs.data(), pcs.size()), 0u);
  // Inverted bounds.
  EXPECT_EQ(walk_frame_pointers(s.at(0), {s.bounds().high, s.at(0)}, pcs.data(), pcs.size()), 0u);
}

TEST(frame_walk, current_thread_stack_holds_this_frame) {
  const stack_bounds stack = current_thread_stack();
  const auto here = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  ASSERT_LT(stack.low, stack.high);
  EXPECT_GE(here, stack.low);
  EXPECT_LT(here, stack.high);
}

}  // namespace
