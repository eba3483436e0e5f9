// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/heap_profile.hpp>
#include <coroscope/leak_report.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using coroscope::frame;
using coroscope::heap_profile;
using coroscope::heap_sample;
using coroscope::leak_options;
using coroscope::leak_report;

frame fn(const std::string& name) {
  frame f;
  f.function = name;
  f.file = name + ".cpp";
  f.line = 10;
  return f;
}

heap_sample site(const std::string& leaf, const std::string& task, std::int64_t inuse,
                 std::uint64_t oldest_ns = 0) {
  heap_sample s;
  s.stack = {fn(leaf), fn("main")};
  if (!task.empty()) s.labels["task"] = task;
  s.inuse_space = inuse;
  s.inuse_objects = inuse / 100;
  s.oldest_alloc_ns = oldest_ns;
  return s;
}

constexpr std::uint64_t kSecond = 1'000'000'000;

std::vector<heap_profile> growing_and_steady(int snapshots) {
  std::vector<heap_profile> out;
  for (int i = 0; i < snapshots; ++i) {
    heap_profile p;
    p.time_ns = (100 + i) * kSecond;
    p.samples.push_back(site("cache_fill", "steady", 50'000, 99 * kSecond));
    p.samples.push_back(site("leak_one", "leaker", 1000 * (i + 1), 100 * kSecond));
    // Noise: goes up and down.
    p.samples.push_back(site("buffer", "noisy", i % 2 == 0 ? 3000 : 9000, (100 + i) * kSecond));
    out.push_back(std::move(p));
  }
  return out;
}

TEST(heap_leak_report, growing_site_is_the_top_suspect) {
  const auto snapshots = growing_and_steady(5);
  const auto suspects = leak_report(snapshots);
  ASSERT_FALSE(suspects.empty());
  const auto& top = suspects.front();
  EXPECT_EQ(top.task, "leaker");
  EXPECT_EQ(top.stack.front().function, "leak_one");
  EXPECT_EQ(top.reasons, unsigned{coroscope::leak_growing});
  EXPECT_EQ(top.growth_space, 4000);
  EXPECT_EQ(top.inuse_space, 5000);
  EXPECT_EQ(top.inuse_space_series, (std::vector<std::int64_t>{1000, 2000, 3000, 4000, 5000}));
  for (const auto& s : suspects) EXPECT_NE(s.task, "steady");  // flat: not suspect
  for (const auto& s : suspects) EXPECT_NE(s.task, "noisy");   // goes down every other step
}

TEST(heap_leak_report, old_allocations_are_suspect_past_the_threshold) {
  const auto snapshots = growing_and_steady(3);
  leak_options options;
  options.age_threshold = 2500ms;  // steady's oldest is 3 s old at the last snapshot
  const auto suspects = leak_report(snapshots, options);
  ASSERT_GE(suspects.size(), 2u);
  EXPECT_EQ(suspects[0].task, "steady");  // 50'000 old bytes outrank 2'000 grown bytes
  EXPECT_EQ(suspects[0].reasons, unsigned{coroscope::leak_old});
  EXPECT_EQ(suspects[0].oldest_age, 3s);
  EXPECT_EQ(suspects[1].task, "leaker");
}

TEST(heap_leak_report, allocations_outliving_their_task_group_by_spawn_site) {
  heap_profile p;
  p.time_ns = 10 * kSecond;
  for (int task = 0; task < 3; ++task) {
    heap_sample s = site("make_session", "session", 700);
    s.labels["task_id"] = std::to_string(10 + task);
    s.labels["task_state"] = "completed";
    s.labels["spawn_site"] = "server.cpp:88";
    p.samples.push_back(s);
  }
  heap_sample live = site("make_session", "session", 5000);
  live.labels["task_id"] = "99";  // still running: not an outlived allocation
  p.samples.push_back(live);
  const std::vector<heap_profile> snapshots{p};
  const auto suspects = leak_report(snapshots);
  ASSERT_EQ(suspects.size(), 1u);
  EXPECT_EQ(suspects[0].spawn_site, "server.cpp:88");
  EXPECT_EQ(suspects[0].reasons, unsigned{coroscope::leak_outlived_task});
  EXPECT_EQ(suspects[0].inuse_space, 2100);
  EXPECT_EQ(suspects[0].score, 2100);
}

TEST(heap_leak_report, limit_and_empty_input) {
  EXPECT_TRUE(leak_report({}).empty());
  leak_options options;
  options.limit = 1;
  options.age_threshold = 1s;
  EXPECT_EQ(leak_report(growing_and_steady(4), options).size(), 1u);
}

TEST(heap_leak_report, text_names_reasons_task_and_stack) {
  const auto snapshots = growing_and_steady(5);
  const auto suspects = leak_report(snapshots);
  const std::string text = coroscope::format_leak_report(suspects, 1);
  EXPECT_NE(text.find("#1  growing: 4.88 KiB in use (50 objects), +3.91 KiB over 5 snapshots"), std::string::npos) << text;
  EXPECT_NE(text.find("task: leaker"), std::string::npos) << text;
  EXPECT_NE(text.find("leak_one  leak_one.cpp:10"), std::string::npos) << text;
  EXPECT_NE(text.find("... 1 more frames"), std::string::npos) << text;
  EXPECT_EQ(coroscope::format_leak_report({}), "no leak suspects\n");
}

}  // namespace
