// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "live_table.hpp"
#include "site_table.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

namespace {

using coroscope::heap::detail::live_record;
using coroscope::heap::detail::live_table;
using coroscope::heap::detail::site_table;

live_record make_record(std::uintptr_t address, std::uint64_t size) {
  live_record r;
  r.address = address;
  r.size = size;
  r.weight = 2.5;
  r.time_ns = 1000 + size;
  r.site = 7;
  r.worker = 3;
  r.task_id = 42;
  r.has_trace = true;
  for (int i = 0; i < 16; ++i) r.trace_id[i] = static_cast<std::uint8_t>(i + 1);
  for (int i = 0; i < 8; ++i) r.span_id[i] = static_cast<std::uint8_t>(0xf0 + i);
  return r;
}

std::size_t live_count(const live_table& table) {
  std::size_t n = 0;
  table.for_each([&](const live_record&) { ++n; });
  return n;
}

TEST(heap_live_table, insert_find_remove_keeps_every_field) {
  live_table* table = live_table::create(1024);
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->capacity(), 1024u);
  const std::uintptr_t address = 0x7f0000001230;
  EXPECT_FALSE(table->may_contain(address));
  ASSERT_TRUE(table->insert(make_record(address, 100)));
  EXPECT_TRUE(table->may_contain(address));

  std::vector<live_record> seen;
  table->for_each([&](const live_record& r) { seen.push_back(r); });
  ASSERT_EQ(seen.size(), 1u);
  const live_record& r = seen[0];
  EXPECT_EQ(r.address, address);
  EXPECT_EQ(r.size, 100u);
  EXPECT_EQ(r.weight, 2.5);
  EXPECT_EQ(r.time_ns, 1100u);
  EXPECT_EQ(r.site, 7u);
  EXPECT_EQ(r.worker, 3);
  EXPECT_EQ(r.task_id, 42u);
  EXPECT_TRUE(r.has_trace);
  EXPECT_EQ(r.trace_id[15], 16);
  EXPECT_EQ(r.span_id[7], 0xf7);

  live_record removed;
  EXPECT_FALSE(table->remove(address + 16, &removed));
  ASSERT_TRUE(table->remove(address, &removed));
  EXPECT_EQ(removed.size, 100u);
  EXPECT_FALSE(table->remove(address, &removed));
  EXPECT_FALSE(table->may_contain(address));
  EXPECT_EQ(live_count(*table), 0u);
}

TEST(heap_live_table, negative_worker_and_no_trace_survive) {
  live_table* table = live_table::create(64);
  live_record r = make_record(0x1000, 8);
  r.worker = -1;
  r.has_trace = false;
  std::memset(r.trace_id, 0, sizeof r.trace_id);
  std::memset(r.span_id, 0, sizeof r.span_id);
  ASSERT_TRUE(table->insert(r));
  table->for_each([](const live_record& seen) {
    EXPECT_EQ(seen.worker, -1);
    EXPECT_FALSE(seen.has_trace);
  });
}

TEST(heap_live_table, full_neighbourhood_drops_and_tombstones_are_reused) {
  live_table* table = live_table::create(64);
  ASSERT_EQ(table->capacity(), 64u);
  std::vector<std::uintptr_t> inserted;
  std::size_t dropped = 0;
  for (std::uintptr_t i = 1; i <= 200; ++i) {
    if (table->insert(make_record(i * 4096, i)))
      inserted.push_back(i * 4096);
    else
      ++dropped;
  }
  EXPECT_EQ(inserted.size(), 64u);
  EXPECT_EQ(dropped, 136u);
  EXPECT_EQ(live_count(*table), 64u);
  for (std::uintptr_t a : inserted) ASSERT_TRUE(table->remove(a, nullptr)) << a;
  EXPECT_EQ(live_count(*table), 0u);
  // Every slot is a tombstone now: all of them can be used again.
  std::size_t again = 0;
  for (std::uintptr_t i = 1; i <= 64; ++i) again += table->insert(make_record(i * 8192, i)) ? 1 : 0;
  EXPECT_EQ(again, 64u);
}

// Many threads insert and remove their own addresses while a reader scans: the reader
// only ever sees complete records, and at the end exactly the kept ones are left.
TEST(heap_live_table, concurrent_writers_and_reader) {
  live_table* table = live_table::create(1 << 16);
  constexpr int kThreads = 4, kPerThread = 20000;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done.load()) {
      table->for_each([](const live_record& r) {
        ASSERT_EQ(r.size, r.address % 1000 + 1);  // written together
        ASSERT_EQ(r.time_ns, 1000 + r.size);
      });
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::uintptr_t a = (static_cast<std::uintptr_t>(t) << 32) + static_cast<std::uintptr_t>(i) * 16;
        live_record r = make_record(a, a % 1000 + 1);
        ASSERT_TRUE(table->insert(r));
        if (i % 10 != 0) {
          ASSERT_TRUE(table->remove(a, nullptr));
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  done = true;
  reader.join();
  EXPECT_EQ(live_count(*table), static_cast<std::size_t>(kThreads * kPerThread / 10));
}

TEST(heap_site_table, interns_by_stack_and_task_name) {
  site_table* sites = site_table::create(256);
  ASSERT_NE(sites, nullptr);
  const std::uintptr_t a[] = {0x10, 0x20, 0x30};
  const std::uintptr_t b[] = {0x10, 0x20, 0x31};
  const std::uint32_t sa = sites->intern(a, 3, "worker-task");
  EXPECT_NE(sa, site_table::kOverflowSite);
  EXPECT_EQ(sites->intern(a, 3, "worker-task"), sa);
  EXPECT_NE(sites->intern(a, 3, "other-task"), sa);
  EXPECT_NE(sites->intern(b, 3, "worker-task"), sa);
  EXPECT_NE(sites->intern(a, 2, "worker-task"), sa);
  const site_table::site* s = sites->published(sa);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->depth, 3u);
  EXPECT_EQ(s->pcs[2], 0x30u);
  EXPECT_STREQ(s->task_name, "worker-task");
  sites->add_allocation(sa, 2.0, 200.0);
  sites->add_allocation(sa, 1.0, 50.0);
  EXPECT_EQ(s->alloc_objects.load(), 3.0);
  EXPECT_EQ(s->alloc_space.load(), 250.0);
}

TEST(heap_site_table, full_table_falls_back_to_the_overflow_site) {
  site_table* sites = site_table::create(64);
  std::set<std::uint32_t> distinct;
  std::size_t overflow = 0;
  for (std::uintptr_t i = 1; i <= 100; ++i) {
    const std::uint32_t index = sites->intern(&i, 1, "");
    if (index == site_table::kOverflowSite)
      ++overflow;
    else
      distinct.insert(index);
  }
  EXPECT_EQ(distinct.size(), 63u);  // slot 0 is the overflow site
  EXPECT_EQ(overflow, 37u);
  ASSERT_NE(sites->published(site_table::kOverflowSite), nullptr);
}

TEST(heap_site_table, concurrent_interning_agrees) {
  site_table* sites = site_table::create(1024);
  constexpr int kThreads = 4;
  std::vector<std::vector<std::uint32_t>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::uintptr_t i = 1; i <= 300; ++i) {
        const std::uintptr_t pcs[] = {i, i * 3};
        const std::uint32_t index = sites->intern(pcs, 2, "t");
        sites->add_allocation(index, 1.0, 1.0);
        got[t].push_back(index);
      }
    });
  }
  for (auto& t : threads) t.join();
  double total = 0;
  for (std::uint32_t i = 0; i < sites->capacity(); ++i)
    if (const auto* s = sites->published(i)) total += s->alloc_objects.load();
  EXPECT_EQ(total, kThreads * 300.0);
  // Threads may intern a duplicate when a writer stalls (often under TSan); they still
  // agree on most sites.
  std::size_t same = 0;
  for (std::size_t i = 0; i < got[0].size(); ++i) same += got[0][i] == got[1][i] ? 1 : 0;
  EXPECT_GE(same, got[0].size() / 2);
}

}  // namespace
