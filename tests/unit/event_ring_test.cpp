// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "collector.hpp"
#include "coroscope/detail/event_ring.hpp"
#include "coroscope/detail/thread_state.hpp"

using coroscope::detail::event;
using coroscope::detail::make_worker_stop_event;
using coroscope::detail::event_ring;

namespace {

event numbered(std::uint64_t n) {
  return make_worker_stop_event({}, {n});
}

std::vector<std::uint64_t> drain_numbers(event_ring& ring) {
  std::vector<std::uint64_t> out;
  ring.drain([&](const event& e) { out.push_back(e.as_worker_stop().tick); });
  return out;
}

}  // namespace

TEST(EventRing, SinglePassKeepsOrder) {
  event_ring ring(8);
  for (std::uint64_t i = 0; i < 5; ++i) ASSERT_TRUE(ring.push(numbered(i)));
  EXPECT_EQ(ring.size(), 5u);
  EXPECT_EQ(drain_numbers(ring), (std::vector<std::uint64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_EQ(ring.dropped(), 0u);
}

TEST(EventRing, WrappedIndicesStayInOrder) {
  event_ring ring(4);
  std::uint64_t next = 0;
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(ring.push(numbered(next++)));
    const auto got = drain_numbers(ring);
    ASSERT_EQ(got, (std::vector<std::uint64_t>{next - 3, next - 2, next - 1}));
  }
  EXPECT_EQ(ring.dropped(), 0u);
}

TEST(EventRing, FullRingDropsAndCounts) {
  event_ring ring(4);
  for (std::uint64_t i = 0; i < 4; ++i) ASSERT_TRUE(ring.push(numbered(i)));
  EXPECT_FALSE(ring.push(numbered(99)));
  EXPECT_FALSE(ring.push(numbered(100)));
  EXPECT_EQ(ring.dropped(), 2u);
  EXPECT_EQ(drain_numbers(ring), (std::vector<std::uint64_t>{0, 1, 2, 3}));
  EXPECT_TRUE(ring.push(numbered(5)));  // room again after the drain
  EXPECT_EQ(drain_numbers(ring), (std::vector<std::uint64_t>{5}));
}

TEST(EventRing, RoundsCapacityUpToAPowerOfTwo) {
  EXPECT_EQ(event_ring(6).capacity(), 8u);
  EXPECT_EQ(event_ring(16384).capacity(), 16384u);
}

TEST(EventRing, ConcurrentWriterAndReaderLoseNothingWhenReaderKeepsUp) {
  event_ring ring(1024);
  constexpr std::uint64_t kEvents = 200000;
  std::thread writer([&] {
    for (std::uint64_t i = 0; i < kEvents;) {
      if (ring.size() < ring.capacity()) {
        ASSERT_TRUE(ring.push(numbered(i)));
        ++i;
      }
    }
  });
  std::uint64_t expected = 0;
  while (expected < kEvents) {
    ring.drain([&](const event& e) { ASSERT_EQ(e.as_worker_stop().tick, expected++); });
  }
  writer.join();
  EXPECT_EQ(ring.dropped(), 0u);
}

// While the collector cannot drain (we hold its lock), a thread that emits more than its
// ring holds loses the excess, counted, and is never blocked.
TEST(EventRing, EmitDropsWhenCollectorIsBehind) {
  auto& collector = coroscope::detail::collector::instance();
  const std::uint64_t before = collector.dropped_events();
  constexpr std::size_t kExtra = 1000;
  collector.with_drained([&] {
    std::thread producer([] {
      for (std::size_t i = 0; i < coroscope::detail::ring_registry::kRingCapacity + kExtra; ++i)
        coroscope::detail::emit_event(numbered(i));
    });
    producer.join();
    return 0;
  });
  EXPECT_EQ(collector.dropped_events() - before, kExtra);
}
