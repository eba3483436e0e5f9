// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The console's heap view: its messages, the state builder, the server's heap refresh and
// the view builder that turns heap profiles into top sites and leak suspects.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "console_test_support.hpp"
#include "coroscope/console/proto_conversions.hpp"
#include "coroscope/console/v1/console.pb.h"
#include "coroscope/console_client.hpp"
#include "coroscope/console_recording.hpp"
#include "coroscope/console_state.hpp"
#include "coroscope/leak_report.hpp"
#include "heap_view_builder.hpp"

namespace {

namespace pb = coroscope::console::v1;
using namespace std::chrono_literals;
using coroscope::heap_frame;
using coroscope::heap_view;
using R = coroscope::console_state_builder::result;

heap_view sample_view() {
  heap_view v;
  v.time = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  v.sample_interval_bytes = 524288;
  v.inuse_bytes = 3 << 20;
  v.inuse_objects = 7;
  v.process_rss_bytes = 64 << 20;
  v.total_sites = 2;
  coroscope::heap_site_info a;
  a.stack = {{"make_buffer()", "session.cpp", 42}, {"handle()", "session.cpp", 90}};
  a.task = "session";
  a.inuse_bytes = 2 << 20;
  a.inuse_objects = 4;
  a.alloc_bytes = 10 << 20;
  a.alloc_objects = 20;
  coroscope::heap_site_info b;
  b.stack = {{"libfoo.so+0x1234", "", 0}};
  b.inuse_bytes = 1 << 20;
  b.inuse_objects = 3;
  b.alloc_bytes = 1 << 20;
  b.alloc_objects = 3;
  v.sites = {a, b};
  coroscope::heap_leak_suspect_info s;
  s.kinds = coroscope::heap_leak_growing | coroscope::heap_leak_outlived_task;
  s.stack = a.stack;
  s.task = "session";
  s.spawn_site = "server.cpp:17";
  s.inuse_bytes = 2 << 20;
  s.inuse_objects = 4;
  s.growth_bytes = -5;
  s.oldest_age = 3s;
  s.message = "growing, outlived its task: 2.00 MiB in use";
  v.leak_suspects = {s};
  return v;
}

pb::ServerMessage hello() {
  pb::ServerMessage m;
  m.mutable_hello()->set_protocol_version(1);
  return m;
}

pb::ServerMessage update(std::uint64_t sequence, bool full) {
  pb::ServerMessage m;
  m.mutable_update()->set_sequence(sequence);
  m.mutable_update()->set_full_state(full);
  return m;
}

TEST(HeapMessages, RoundTripThroughTheStateBuilderSharingTheStringTable) {
  coroscope::console_state_builder b;
  ASSERT_EQ(b.apply(hello().SerializeAsString()).kind, R::hello);
  auto m = update(1, true);
  coroscope::cpu_stack_sample cpu;
  cpu.frames = {"main", "handle()"};  // "handle()" is a heap frame too: one string entry
  cpu.count = 3;
  coroscope::console::detail::to_proto(std::vector{cpu}, m.mutable_update());
  coroscope::console::detail::to_proto(std::optional(sample_view()), m.mutable_update());
  EXPECT_EQ(std::count(m.update().string_table().begin(), m.update().string_table().end(), "handle()"), 1);

  ASSERT_EQ(b.apply(m.SerializeAsString()).kind, R::update);
  ASSERT_TRUE(b.state().heap.has_value());
  EXPECT_TRUE(b.state().heap_changed);
  EXPECT_EQ(*b.state().heap, sample_view());
  ASSERT_EQ(b.state().cpu_samples.size(), 1u);
  EXPECT_EQ(b.state().cpu_samples[0].frames, cpu.frames);
}

TEST(HeapMessages, DeltaWithoutHeapKeepsItAndAnEmptyChangeClearsIt) {
  coroscope::console_state_builder b;
  b.apply(hello().SerializeAsString());
  auto full = update(1, true);
  coroscope::console::detail::to_proto(std::optional(sample_view()), full.mutable_update());
  ASSERT_EQ(b.apply(full.SerializeAsString()).kind, R::update);

  ASSERT_EQ(b.apply(update(2, false).SerializeAsString()).kind, R::update);
  EXPECT_FALSE(b.state().heap_changed);
  ASSERT_TRUE(b.state().heap.has_value());
  EXPECT_EQ(b.state().heap->sites.size(), 2u);

  auto off = update(3, false);
  coroscope::console::detail::to_proto(std::optional<heap_view>(), off.mutable_update());
  ASSERT_EQ(b.apply(off.SerializeAsString()).kind, R::update);
  EXPECT_TRUE(b.state().heap_changed);
  EXPECT_FALSE(b.state().heap.has_value());
}

TEST(HeapMessages, OversizedViewsAreCutToTheBounds) {
  heap_view v;
  for (int i = 0; i < 80; ++i) {
    coroscope::heap_site_info s;
    s.stack.assign(100, heap_frame{"f" + std::to_string(i), "", 0});
    s.inuse_bytes = 1;
    v.sites.push_back(s);
  }
  auto m = update(1, true);
  coroscope::console::detail::to_proto(std::optional(v), m.mutable_update());
  ASSERT_EQ(m.update().heap().sites_size(), static_cast<int>(heap_view::kMaxSites));
  EXPECT_EQ(m.update().heap().sites(0).frames_size(), static_cast<int>(heap_view::kMaxFrames));
  // Frames index past the string table read as "?" rather than crash.
  m.mutable_update()->mutable_heap()->mutable_sites(0)->mutable_frames(0)->set_function(9999);
  const auto back = coroscope::console::detail::heap_from_proto(m.update());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->sites[0].stack[0].function, "?");
}

// -------------------------------------------------------------- heap_view_builder

coroscope::frame fn(const std::string& name, std::uint32_t line = 1) {
  coroscope::frame f;
  f.function = name;
  f.file = "leak.cpp";
  f.line = line;
  return f;
}

coroscope::heap_sample live(const std::string& leaf, std::int64_t bytes, std::string task_id = "",
                            std::map<std::string, std::string> labels = {}) {
  coroscope::heap_sample s;
  s.stack = {fn(leaf), fn("run()", 9)};
  s.labels = std::move(labels);
  if (!task_id.empty()) s.labels["task_id"] = task_id;
  s.inuse_space = bytes;
  s.inuse_objects = 1;
  s.oldest_alloc_ns = 1;
  return s;
}

coroscope::heap_sample allocated(const std::string& leaf, std::int64_t bytes,
                                 std::map<std::string, std::string> labels = {}) {
  coroscope::heap_sample s;
  s.stack = {fn(leaf), fn("run()", 9)};
  s.labels = std::move(labels);
  s.alloc_space = bytes;
  s.alloc_objects = 2;
  return s;
}

TEST(HeapViewBuilder, SitesMergeTaskInstancesAndAreSortedByInUseBytes) {
  coroscope::heap_profile p;
  p.time_ns = 10;
  p.sample_interval = 1;
  p.samples = {allocated("a()", 1000, {{"task", "worker"}}),
               live("a()", 300, "1", {{"task", "worker"}}),
               live("a()", 300, "2", {{"task", "worker"}}),
               allocated("b()", 900),
               live("b()", 900),
               allocated("freed()", 5000)};  // nothing live: not listed
  coroscope::detail::heap_view_builder builder;
  const heap_view v = builder.next(p, 4096);
  ASSERT_EQ(v.sites.size(), 2u);
  EXPECT_EQ(v.sites[0].stack[0].function, "b()");
  EXPECT_EQ(v.sites[0].inuse_bytes, 900u);
  EXPECT_EQ(v.sites[1].stack[0].function, "a()");
  EXPECT_EQ(v.sites[1].task, "worker");
  EXPECT_EQ(v.sites[1].inuse_bytes, 600u);
  EXPECT_EQ(v.sites[1].inuse_objects, 2u);
  EXPECT_EQ(v.sites[1].alloc_bytes, 1000u);
  EXPECT_EQ(v.sites[1].stack[1].line, 9u);
  EXPECT_EQ(v.inuse_bytes, 1500u);
  EXPECT_EQ(v.total_sites, 2u);
  EXPECT_EQ(v.process_rss_bytes, 4096u);
  EXPECT_EQ(v.sample_interval_bytes, 1u);
}

TEST(HeapViewBuilder, KeepsTheTopFiftySites) {
  coroscope::heap_profile p;
  for (int i = 1; i <= 60; ++i) p.samples.push_back(live("f" + std::to_string(i) + "()", i));
  coroscope::detail::heap_view_builder builder;
  const heap_view v = builder.next(p, std::nullopt);
  EXPECT_EQ(v.total_sites, 60u);
  ASSERT_EQ(v.sites.size(), heap_view::kMaxSites);
  EXPECT_EQ(v.sites.front().stack[0].function, "f60()");
  EXPECT_EQ(v.sites.back().stack[0].function, "f11()");
  EXPECT_EQ(v.process_rss_bytes, 0u);
}

TEST(HeapViewBuilder, GrowingSiteBecomesTheTopSuspect) {
  coroscope::detail::heap_view_builder builder({}, 0ns, 12);
  heap_view v;
  for (std::int64_t i = 1; i <= 5; ++i) {
    coroscope::heap_profile p;
    p.time_ns = static_cast<std::uint64_t>(i) * 1'000'000'000ULL;
    p.samples = {live("grows()", i * 4096), live("steady()", 100000)};
    v = builder.next(p, std::nullopt);
  }
  ASSERT_FALSE(v.leak_suspects.empty());
  const auto& s = v.leak_suspects.front();
  EXPECT_EQ(s.stack[0].function, "grows()");
  EXPECT_TRUE(s.kinds & coroscope::heap_leak_growing);
  EXPECT_EQ(s.growth_bytes, 4 * 4096);
  EXPECT_NE(s.message.find("growing"), std::string::npos) << s.message;
  EXPECT_EQ(s.message.find('\n'), std::string::npos);
  for (const auto& other : v.leak_suspects) EXPECT_NE(other.stack[0].function, "steady()");
}

TEST(HeapViewBuilder, ProfilesCloserThanTheSpacingDoNotJoinTheHistory) {
  // With a 10 s spacing, five profiles one second apart leave one in the history: no
  // growth can be seen between the kept one and the latest beyond their difference.
  coroscope::detail::heap_view_builder builder({}, 10s, 12);
  heap_view v;
  for (std::int64_t i = 1; i <= 5; ++i) {
    coroscope::heap_profile p;
    p.time_ns = static_cast<std::uint64_t>(i) * 1'000'000'000ULL;
    p.samples = {live("grows()", i * 4096)};
    v = builder.next(p, std::nullopt);
  }
  ASSERT_EQ(v.leak_suspects.size(), 1u);
  EXPECT_EQ(v.leak_suspects[0].growth_bytes, 4 * 4096);  // first (kept) to latest
}

TEST(HeapViewBuilder, AllocationsOfACompletedTaskAreOutlivedSuspectsWithTheSpawnSite) {
  coroscope::heap_profile p;
  p.time_ns = 1'000'000'000ULL;
  p.samples = {live("cache_fill()", 2048, "7",
                    {{"task", "loader"}, {"task_state", "completed"}, {"spawn_site", "main.cpp:33"}})};
  coroscope::detail::heap_view_builder builder;
  const heap_view v = builder.next(p, std::nullopt);
  ASSERT_EQ(v.leak_suspects.size(), 1u);
  const auto& s = v.leak_suspects[0];
  EXPECT_EQ(s.kinds, static_cast<unsigned>(coroscope::heap_leak_outlived_task));
  EXPECT_EQ(s.task, "loader");
  EXPECT_EQ(s.spawn_site, "main.cpp:33");
  EXPECT_EQ(s.inuse_bytes, 2048u);
  EXPECT_EQ(s.stack[0].function, "cache_fill()");
}

// -------------------------------------------------------------- server

TEST(HeapConsole, ClientsGetTheHeapViewAtTheHeapIntervalAndInFullStates) {
  coroscope::test::fake_source fake;
  auto source = fake.make();
  std::atomic<int> heap_calls{0};
  source.heap = [&]() -> std::optional<heap_view> {
    ++heap_calls;
    auto v = sample_view();
    v.inuse_objects = static_cast<std::uint64_t>(heap_calls.load());  // changes every call
    return v;
  };
  // A heap view every fourth tick.
  coroscope::console_server server(std::move(source),
                                   {.port = 0, .publish_interval = 5ms, .heap_interval = 20ms});
  const coroscope::console_client_options co{.port = server.port()};
  coroscope::console_client client(co);
  client.start();
  ASSERT_TRUE(client.wait_for([](const coroscope::console_state& s) { return s.heap && s.heap->inuse_objects >= 3; },
                              std::chrono::seconds(20)));
  const auto state = client.state();
  EXPECT_EQ(state->heap->sites, sample_view().sites);
  EXPECT_EQ(state->heap->leak_suspects, sample_view().leak_suspects);
  // The calls before the ticks: the server ticks on meanwhile, and a test thread kept off
  // the CPU between the two reads would see more calls than the ticks it read allow.
  const auto calls = static_cast<std::uint64_t>(heap_calls.load());
  const auto ticks = server.stats().updates_published;
  EXPECT_LE(calls, ticks / 4 + 2);

  // A console that connects later gets the heap in its first full state.
  coroscope::console_client late(co);
  late.start();
  ASSERT_TRUE(late.wait_for([](const coroscope::console_state& s) { return s.sequence > 0; },
                            std::chrono::seconds(20)));
  ASSERT_TRUE(late.state()->heap.has_value());
  EXPECT_EQ(late.state()->heap->sites, sample_view().sites);
}

TEST(HeapConsole, NoHeapViewWhenTheSourceHasNone) {
  coroscope::test::fake_source fake;
  auto source = fake.make();
  std::atomic<int> heap_calls{0};
  source.heap = [&]() -> std::optional<heap_view> {
    ++heap_calls;
    return std::nullopt;
  };
  coroscope::console_server server(std::move(source),
                                   {.port = 0, .publish_interval = 5ms, .heap_interval = 5ms});
  coroscope::console_client client({.port = server.port()});
  client.start();
  ASSERT_TRUE(coroscope::test::eventually([&] { return heap_calls.load() >= 3; }));
  ASSERT_TRUE(client.wait_for([](const coroscope::console_state& s) { return s.sequence > 3; },
                              std::chrono::seconds(20)));
  EXPECT_FALSE(client.state()->heap.has_value());
}

}  // namespace

namespace {

TEST(HeapConsole, ARecordingStartedMidSessionReplaysTheHeapView) {
  coroscope::test::fake_source fake;
  auto source = fake.make();
  std::atomic<std::uint64_t> calls{0};
  source.heap = [&]() -> std::optional<heap_view> {
    auto v = sample_view();
    v.inuse_objects = ++calls;
    return v;
  };
  coroscope::console_server server(std::move(source),
                                   {.port = 0, .publish_interval = 5ms, .heap_interval = 5ms});
  coroscope::console_client client({.port = server.port()});
  client.start();
  ASSERT_TRUE(client.wait_for([](const coroscope::console_state& s) { return s.heap.has_value(); }, 20s));

  const auto path = (std::filesystem::temp_directory_path() /
                     ("console-heap-record-" + std::to_string(getpid()) + ".cscrec")).string();
  std::string error;
  ASSERT_TRUE(client.start_recording(path, error)) << error;
  const auto from = client.state()->sequence;
  ASSERT_TRUE(client.wait_for([&](const coroscope::console_state& s) { return s.sequence >= from + 5; }, 20s));
  client.stop_recording();
  client.stop();

  auto reader = coroscope::session_reader::open(path, error);
  ASSERT_TRUE(reader) << error;
  // The recording's first full state carries the heap view the probe had then.
  const auto first = reader->state_until(2);
  ASSERT_TRUE(first.heap.has_value());
  EXPECT_EQ(first.heap->sites, sample_view().sites);
  const auto last = reader->state_until(reader->size());
  ASSERT_TRUE(last.heap.has_value());
  EXPECT_GT(last.heap->inuse_objects, first.heap->inuse_objects);
  std::filesystem::remove(path);
}

}  // namespace
