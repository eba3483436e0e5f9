// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "sample_ring.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

using coroscope::sampling::raw_sample;
using coroscope::sampling::detail::sample_ring;

bool push(sample_ring& ring, std::uint64_t value) {
  raw_sample* slot = ring.reserve();
  if (slot == nullptr) return false;
  slot->timestamp_ns = value;
  ring.publish();
  return true;
}

std::vector<std::uint64_t> drain(sample_ring& ring) {
  std::vector<std::uint64_t> out;
  ring.drain([&out](const raw_sample& s) { out.push_back(s.timestamp_ns); });
  return out;
}

TEST(SampleRing, RoundsCapacityUpToAPowerOfTwo) {
  EXPECT_EQ(sample_ring(5).capacity(), 8u);
  EXPECT_EQ(sample_ring(512).capacity(), 512u);
  EXPECT_EQ(sample_ring(0).capacity(), 1u);
}

TEST(SampleRing, SinglePass) {
  sample_ring ring(8);
  for (std::uint64_t i = 1; i <= 5; ++i) ASSERT_TRUE(push(ring, i));
  EXPECT_EQ(ring.size(), 5u);
  EXPECT_EQ(drain(ring), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_TRUE(drain(ring).empty());
}

TEST(SampleRing, Wrapped) {
  sample_ring ring(4);
  for (std::uint64_t i = 1; i <= 3; ++i) ASSERT_TRUE(push(ring, i));
  EXPECT_EQ(drain(ring).size(), 3u);
  for (std::uint64_t i = 4; i <= 7; ++i) ASSERT_TRUE(push(ring, i));  // crosses the end
  EXPECT_EQ(drain(ring), (std::vector<std::uint64_t>{4, 5, 6, 7}));
}

TEST(SampleRing, FullRejectsUntilDrained) {
  sample_ring ring(4);
  for (std::uint64_t i = 1; i <= 4; ++i) ASSERT_TRUE(push(ring, i));
  EXPECT_EQ(ring.reserve(), nullptr);
  EXPECT_FALSE(push(ring, 99));
  EXPECT_EQ(drain(ring), (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_TRUE(push(ring, 5));
}

TEST(SampleRing, ClearDropsPending) {
  sample_ring ring(4);
  ASSERT_TRUE(push(ring, 1));
  ring.clear();
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_TRUE(drain(ring).empty());
}

// One writer, one reader on two threads (meant for the TSan build): every value arrives
// once, in order, or was counted as rejected.
TEST(SampleRing, ConcurrentWriterAndReader) {
  sample_ring ring(64);
  constexpr std::uint64_t kValues = 200'000;
  std::atomic<bool> done{false};
  std::uint64_t rejected = 0;
  std::thread writer([&] {
    for (std::uint64_t i = 1; i <= kValues; ++i)
      if (!push(ring, i)) ++rejected;
    done.store(true, std::memory_order_release);
  });
  std::uint64_t received = 0, last = 0;
  bool ordered = true;
  auto take = [&](const raw_sample& s) {
    ordered = ordered && s.timestamp_ns > last;
    last = s.timestamp_ns;
    ++received;
  };
  while (!done.load(std::memory_order_acquire)) ring.drain(take);
  ring.drain(take);
  writer.join();
  EXPECT_TRUE(ordered);
  EXPECT_EQ(received + rejected, kValues);
}

}  // namespace
