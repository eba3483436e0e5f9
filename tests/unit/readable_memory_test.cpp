// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// A task dump walks frames another thread may free: what it reads is first checked against
// the process's readable mappings, so a pointer into nowhere ends the walk, not the program.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "coroscope/detail/asio_layout.hpp"
#include "task_walk.hpp"

namespace {

using coroscope::detail::readable_memory;

std::size_t page_size() { return static_cast<std::size_t>(sysconf(_SC_PAGESIZE)); }

// Two pages mapped, the second unmapped again: an address just past readable memory.
struct mapping_with_hole {
  mapping_with_hole() {
    void* p = mmap(nullptr, 2 * page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_NE(p, MAP_FAILED);
    first = static_cast<char*>(p);
    hole = first + page_size();
    EXPECT_EQ(munmap(hole, page_size()), 0);
  }
  ~mapping_with_hole() { munmap(first, page_size()); }
  char* first = nullptr;
  char* hole = nullptr;
};

TEST(ReadableMemory, HoldsTheStackTheHeapAndTheCodeButNotAnUnmappedPage) {
  mapping_with_hole m;  // before the snapshot, so that the hole is one in it
  const auto heap = std::make_unique<std::uint64_t>(7);
  int on_stack = 0;
  const readable_memory memory = readable_memory::of_this_process();
  const coroscope::detail::readable_ranges ranges = memory.ranges();

  EXPECT_TRUE(ranges.contains(&on_stack, sizeof on_stack));
  EXPECT_TRUE(ranges.contains(heap.get(), sizeof *heap));
  EXPECT_TRUE(ranges.contains(reinterpret_cast<const void*>(&page_size), 1));
  EXPECT_TRUE(ranges.contains(m.first, page_size()));
  EXPECT_FALSE(ranges.contains(m.hole, 1));
  EXPECT_FALSE(ranges.contains(m.first + page_size() - 4, 8)) << "a read across the end";
  EXPECT_FALSE(ranges.contains(nullptr, 8));
}

TEST(ReadableMemory, AWalkThroughPointersIntoNowhereStopsInsteadOfFaulting) {
  mapping_with_hole m;
  // A "root frame" that is garbage: every word points into the unmapped page, as a frame
  // freed and reused under a dump's walk might.
  std::vector<const void*> garbage(512, m.hole + 64);
  const readable_memory memory = readable_memory::of_this_process();
  const coroscope::detail::readable_ranges ranges = memory.ranges();

  std::uintptr_t pcs[32];
  EXPECT_EQ(coroscope::detail::walk_async_stack(garbage.data(), pcs, 32, &ranges), 0u);
  EXPECT_EQ(coroscope::detail::suspended_leaf(garbage.data(), ranges), nullptr);
}

}  // namespace
