// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "frame_cache.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using coroscope::frame;
using coroscope::detail::frame_cache;

frame make_frame(const std::string& function, std::uint32_t line, std::uint64_t address,
                 const std::string& module = "/usr/lib/libservice.so") {
  frame f;
  f.function = function;
  f.file = "/src/" + function + ".cpp";
  f.line = line;
  f.address = address;
  f.module = module;
  f.build_id = module.empty() ? "" : "0123456789abcdef0123456789abcdef01234567";
  return f;
}

void expect_equal(const std::vector<frame>& expected, const std::vector<frame>* got) {
  ASSERT_NE(got, nullptr);
  ASSERT_EQ(expected.size(), got->size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const frame& a = expected[i];
    const frame& b = (*got)[i];
    EXPECT_EQ(a.function, b.function);
    EXPECT_EQ(a.file, b.file);
    EXPECT_EQ(a.line, b.line);
    EXPECT_EQ(a.address, b.address);
    EXPECT_EQ(a.module, b.module);
    EXPECT_EQ(a.build_id, b.build_id);
    EXPECT_FALSE(b.is_task_frame);
  }
}

TEST(FrameCache, RoundTripsFrames) {
  frame_cache cache;
  const std::vector<frame> inlined = {make_frame("inner", 10, 0x1234), make_frame("outer", 20, 0x1234)};
  frame unknown;
  unknown.address = 0xdead;
  const std::vector<frame> raw = {unknown};
  const std::vector<frame> other = {make_frame("other", 30, 0x5678, "/usr/lib/libother.so")};

  expect_equal(inlined, &cache.put(0x1234, inlined, 100));
  expect_equal(raw, &cache.put(0xdead, raw, 100));
  expect_equal(other, &cache.put(0x5678, other, 100));
  EXPECT_EQ(cache.size(), 3u);

  // Every order of hits, so each string is rewritten from every other one.
  for (std::uintptr_t addr : {0x1234, 0xdead, 0x1234, 0x5678, 0x1234, 0x5678, 0xdead, 0xdead, 0x5678}) {
    const std::vector<frame>& expected = addr == 0x1234 ? inlined : addr == 0xdead ? raw : other;
    expect_equal(expected, cache.get(addr));
  }
  EXPECT_EQ(cache.get(0xbeef), nullptr);
}

TEST(FrameCache, ClearsWhenFull) {
  frame_cache cache;
  const std::vector<frame> one = {make_frame("f", 1, 1)};
  cache.put(1, one, 2);
  cache.put(2, one, 2);
  EXPECT_EQ(cache.size(), 2u);
  cache.put(3, one, 2);  // full: dropped, then 3 cached
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.get(1), nullptr);
  expect_equal(one, cache.get(3));

  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.get(3), nullptr);
  // The strings were renumbered: the next answer must not keep stale text.
  const std::vector<frame> two = {make_frame("g", 2, 4, "/usr/lib/libg.so")};
  cache.put(4, two, 2);
  cache.put(5, one, 2);
  expect_equal(two, cache.get(4));
  expect_equal(one, cache.get(5));
}

// Each cached frame has an id: the same on every answer for its address, another for every
// other frame, and never given again once the cache was cleared.
TEST(FrameCache, EveryCachedFrameHasItsOwnLastingId) {
  frame_cache cache;
  const std::vector<frame> inlined = {make_frame("inner", 10, 0x1234), make_frame("outer", 20, 0x1234)};
  const std::vector<frame> other = {make_frame("other", 30, 0x5678)};
  const std::vector<frame> put = cache.put(0x1234, inlined, 100);
  ASSERT_EQ(put.size(), 2u);
  EXPECT_NE(put[0].id, 0u);
  EXPECT_NE(put[1].id, 0u);
  EXPECT_NE(put[0].id, put[1].id);
  const std::uint64_t other_id = cache.put(0x5678, other, 100)[0].id;
  EXPECT_NE(other_id, put[0].id);
  EXPECT_NE(other_id, put[1].id);

  for (std::uintptr_t addr : {0x1234, 0x5678, 0x1234}) {
    const std::vector<frame>* got = cache.get(addr);
    ASSERT_NE(got, nullptr);
    if (addr == 0x1234) {
      EXPECT_EQ((*got)[0].id, put[0].id);
      EXPECT_EQ((*got)[1].id, put[1].id);
    } else {
      EXPECT_EQ((*got)[0].id, other_id);
    }
  }

  cache.clear();
  const std::vector<frame> again = cache.put(0x1234, inlined, 100);
  for (const frame& f : again) {
    EXPECT_NE(f.id, put[0].id);
    EXPECT_NE(f.id, put[1].id);
    EXPECT_NE(f.id, other_id);
  }
  // A second cache (another symbolizer) hands out ids of its own.
  frame_cache second;
  EXPECT_NE(second.put(0x1234, inlined, 100)[0].id, again[0].id);
}

}  // namespace
