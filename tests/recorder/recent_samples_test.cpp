// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The flight recorder's store of recent CPU samples: bounded by count and bytes (evictions counted
// as lost) and by time (not counted), off until a recorder keeps it, on CLOCK_MONOTONIC.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "recent_samples.hpp"

using namespace std::chrono_literals;
using coroscope::detail::recent_samples;
using coroscope::sampling::raw_sample;

namespace {

constexpr std::uint64_t kMs = 1'000'000;

/// A worker's sample at `time_ns` (CLOCK_REALTIME as the sampler writes it) with two
/// native pcs and one async pc, all derived from `time_ns` so a test can tell them apart.
raw_sample store_sample(std::uint64_t time_ns, std::int32_t tid = 7, std::int32_t worker = 0) {
  raw_sample s{};
  s.timestamp_ns = time_ns;
  s.tid = tid;
  s.depth = 2;
  s.pcs[0] = time_ns + 1;
  s.pcs[1] = time_ns + 2;
  s.context.task_id = 42;
  s.context.worker = worker;
  s.context.async_depth = 1;
  s.context.async_pcs[0] = time_ns + 3;
  return s;
}

std::vector<std::uint64_t> times_of(const std::vector<recent_samples::kept>& kept) {
  std::vector<std::uint64_t> out;
  for (const auto& k : kept) out.push_back(k.time_ns);
  return out;
}

}  // namespace

TEST(RecentSamples, OffUntilARecorderKeepsThem) {
  recent_samples store(16);
  const std::vector<raw_sample> batch{store_sample(1 * kMs)};
  store.add(batch, 2 * kMs, 0);
  EXPECT_FALSE(store.on());
  EXPECT_EQ(store.size(), 0u);
  store.keep(30s);
  store.add(batch, 2 * kMs, 0);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_GT(store.bytes(), 0u);
  store.release(30s);
  EXPECT_FALSE(store.on());
  EXPECT_EQ(store.size(), 0u) << "the last recorder gone, nothing is held";
  EXPECT_EQ(store.bytes(), 0u);
}

TEST(RecentSamples, KeepsTimeTaskWorkerAndPcsOnTheMonotonicClock) {
  recent_samples store(16);
  store.keep(0s);
  // Realtime is 1000 s ahead of monotonic here.
  constexpr std::int64_t offset = 1000'000 * std::int64_t{kMs};
  const std::vector<raw_sample> batch{store_sample(offset + 5 * kMs, 9, 3),
                                      store_sample(offset + 6 * kMs, 9, -1)};  // not a worker
  store.add(batch, 10 * kMs, offset);
  const auto kept = store.since(0);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].time_ns, 5 * kMs);
  EXPECT_EQ(kept[0].tid, 9);
  EXPECT_EQ(kept[0].worker, 3);
  EXPECT_EQ(kept[0].task_id, 42u);
  EXPECT_EQ(kept[0].depth, 2u);
  const std::uint64_t t = offset + 5 * kMs;
  EXPECT_EQ(kept[0].pcs, (std::vector<std::uintptr_t>{t + 1, t + 2, t + 3})) << "native, then async";
}

TEST(RecentSamples, CountBoundEvictsTheOldestAndCountsThem) {
  recent_samples store(4);
  store.keep(30s);
  std::vector<raw_sample> batch;
  for (std::uint64_t i = 1; i <= 10; ++i) batch.push_back(store_sample(i * kMs));
  store.add(batch, 11 * kMs, 0);
  EXPECT_EQ(times_of(store.since(0)), (std::vector<std::uint64_t>{7 * kMs, 8 * kMs, 9 * kMs, 10 * kMs}));
  EXPECT_EQ(store.lost(), 6u);
  // One more: one more lost.
  store.add(std::vector<raw_sample>{store_sample(12 * kMs)}, 13 * kMs, 0);
  EXPECT_EQ(times_of(store.since(0)).front(), 8 * kMs);
  EXPECT_EQ(store.lost(), 7u);
}

TEST(RecentSamples, TimeBoundEvictsWithoutCounting) {
  recent_samples store(100);
  store.keep(50ms);
  store.add(std::vector<raw_sample>{store_sample(100 * kMs), store_sample(140 * kMs)}, 150 * kMs, 0);
  EXPECT_EQ(store.size(), 2u);
  // At 195 ms the window starts at 145 ms: both are out, and not lost.
  store.add(std::vector<raw_sample>{store_sample(160 * kMs), store_sample(190 * kMs)}, 195 * kMs, 0);
  EXPECT_EQ(times_of(store.since(0)), (std::vector<std::uint64_t>{160 * kMs, 190 * kMs}));
  EXPECT_EQ(store.lost(), 0u);
  EXPECT_EQ(times_of(store.since(170 * kMs)), (std::vector<std::uint64_t>{190 * kMs}));
}

TEST(RecentSamples, TheLongestRecorderWindowBoundsTheStore) {
  recent_samples store(100);
  store.keep(10ms);
  store.keep(100ms);
  store.add(std::vector<raw_sample>{store_sample(100 * kMs)}, 150 * kMs, 0);
  EXPECT_EQ(store.size(), 1u) << "inside the 100 ms recorder's window";
  store.release(100ms);
  store.add(std::vector<raw_sample>{store_sample(151 * kMs)}, 155 * kMs, 0);
  EXPECT_EQ(times_of(store.since(0)), (std::vector<std::uint64_t>{151 * kMs}));
}

TEST(RecentSamples, ThreadsDrainedOneAfterTheOtherComeOutInTimeOrder) {
  recent_samples store(3);
  store.keep(30s);
  // The drain gives one thread's samples, then another's: the oldest overall go first.
  store.add(std::vector<raw_sample>{store_sample(2 * kMs, 1), store_sample(4 * kMs, 1),
                                    store_sample(1 * kMs, 2), store_sample(3 * kMs, 2)},
            5 * kMs, 0);
  EXPECT_EQ(times_of(store.since(0)), (std::vector<std::uint64_t>{2 * kMs, 3 * kMs, 4 * kMs}));
  EXPECT_EQ(store.lost(), 1u);
}

TEST(RecentSamples, ByteBoundEvictsTheOldestAndCountsThem) {
  recent_samples store(100);
  std::vector<raw_sample> batch;
  for (std::uint64_t i = 1; i <= 10; ++i) batch.push_back(store_sample(i * kMs));
  // Room for three samples of this size.
  recent_samples sizing(100);
  sizing.keep(30s);
  sizing.add(std::vector<raw_sample>{batch[0]}, 11 * kMs, 0);
  const std::size_t one = sizing.bytes();
  ASSERT_GT(one, 0u);
  store.keep(30s, 3 * one + one / 2);
  store.add(batch, 11 * kMs, 0);
  EXPECT_EQ(times_of(store.since(0)), (std::vector<std::uint64_t>{8 * kMs, 9 * kMs, 10 * kMs}));
  EXPECT_LE(store.bytes(), 3 * one + one / 2);
  EXPECT_EQ(store.lost(), 7u);
}

TEST(RecentSamples, TheSmallestRecorderByteBoundHolds) {
  recent_samples sizing(100);
  sizing.keep(30s);
  sizing.add(std::vector<raw_sample>{store_sample(1 * kMs)}, 2 * kMs, 0);
  const std::size_t one = sizing.bytes();
  recent_samples store(100);
  store.keep(30s, 10 * one);
  store.keep(30s, 2 * one);
  std::vector<raw_sample> batch;
  for (std::uint64_t i = 1; i <= 5; ++i) batch.push_back(store_sample(i * kMs));
  store.add(batch, 6 * kMs, 0);
  EXPECT_EQ(store.size(), 2u) << "within the 2-sample recorder's bound";
  store.release(30s, 2 * one);
  store.add(batch, 6 * kMs, 0);
  EXPECT_GT(store.size(), 2u) << "the other recorder's bound is larger";
}
