// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The console's timeline: the Timeline message round trip (coroscope::timeline <->
// console.proto), its checks on what comes in, and a console asking a server for the
// window of a fixed source, and of none.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#include "console_test_support.hpp"
#include "coroscope/console/timeline_conversions.hpp"
#include "coroscope/console_client.hpp"
#include "coroscope/console_server.hpp"
#include "coroscope/console_state.hpp"

namespace coroscope {
namespace {

using namespace std::chrono_literals;
namespace pb = console::v1;
using console::detail::from_proto;
using console::detail::to_proto;

constexpr std::uint64_t T0 = 7'000'000'000;

timeline window() {
  timeline t;
  t.process_name = "echo";
  t.pid = 4242;
  t.begin_ns = T0;
  t.end_ns = T0 + 50'000;
  t.dropped_events = 3;
  t.workers = {{0, "coroscope-w0", 100}, {1, "", 0}};
  t.tasks = {{1, 0, "accept"}, {2, 1, "session"}};
  t.polls = {{0, 1, T0 + 100, T0 + 900}, {1, 2, T0 + 1000, T0 + 1000}, {0, 2, T0 + 2000, T0 + 2500}};
  t.wakes = {{2, T0 + 950, timeline::waker_kind::task, 1},
             {1, T0 + 1500, timeline::waker_kind::io, 0},
             {2, T0 + 1600, timeline::waker_kind::timer, 0},
             {1, T0 + 1700, timeline::waker_kind::outside, 0}};
  t.parks = {{1, T0, T0 + 1000}};
  t.awaits = {{2, "read", "session.cpp", 12, T0 + 900, T0 + 2000}};
  t.lints = {{"long-poll", 1, T0 + 900, "polled for 800 ns"}};
  return t;
}

/// Element by element, through `key` (a std::tie of the fields that must match).
template <class T, class Key>
void expectSame(const std::vector<T>& a, const std::vector<T>& b, Key key) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(key(a[i]), key(b[i])) << "entry " << i;
}

void expectEqual(const timeline& a, const timeline& b) {
  EXPECT_EQ(std::tie(a.process_name, a.pid, a.begin_ns, a.end_ns, a.dropped_events),
            std::tie(b.process_name, b.pid, b.begin_ns, b.end_ns, b.dropped_events));
  expectSame(a.workers, b.workers, [](const auto& w) { return std::tie(w.index, w.thread_name, w.tid); });
  expectSame(a.tasks, b.tasks, [](const auto& t) { return std::tie(t.id, t.parent_id, t.name); });
  expectSame(a.polls, b.polls, [](const auto& p) { return std::tie(p.worker, p.task_id, p.begin_ns, p.end_ns); });
  expectSame(a.wakes, b.wakes, [](const auto& w) {
    return std::make_tuple(w.task_id, w.time_ns, int(w.waker), w.waker_task_id);
  });
  expectSame(a.parks, b.parks, [](const auto& p) { return std::tie(p.worker, p.begin_ns, p.end_ns); });
  expectSame(a.awaits, b.awaits, [](const auto& w) {
    return std::tie(w.task_id, w.site, w.file, w.line, w.begin_ns, w.end_ns);
  });
  expectSame(a.lints, b.lints, [](const auto& l) { return std::tie(l.name, l.task_id, l.time_ns, l.message); });
}

TEST(TimelineProtocol, RoundTripsThroughTheWire) {
  const timeline in = window();
  pb::ServerMessage m;
  to_proto(in, m.mutable_timeline());
  EXPECT_TRUE(m.timeline().recording());
  EXPECT_EQ(m.timeline().omitted_events(), 0u);
  pb::ServerMessage back;
  ASSERT_TRUE(back.ParseFromString(m.SerializeAsString()));
  timeline out;
  std::string error;
  ASSERT_TRUE(from_proto(back.timeline(), out, error)) << error;
  expectEqual(in, out);
}

TEST(TimelineProtocol, KeepsTheNewestEventsWhenThereAreTooMany) {
  const timeline in = window();  // 3 polls, 4 wakes, 1 park, 1 await, 1 lint: 10 events
  pb::Timeline m;
  to_proto(in, &m, 4);
  // The four newest by time: polls at 2000, wakes at 1600 and 1700, the wake at 1500.
  EXPECT_EQ(m.omitted_events(), 6u);
  timeline out;
  std::string error;
  ASSERT_TRUE(from_proto(m, out, error)) << error;
  EXPECT_EQ(out.begin_ns, T0 + 1500);
  ASSERT_EQ(out.polls.size(), 1u);
  EXPECT_EQ(out.polls[0].begin_ns, T0 + 2000);
  EXPECT_EQ(out.wakes.size(), 3u);
  EXPECT_TRUE(out.parks.empty());
  EXPECT_EQ(out.end_ns, T0 + 50'000);
}

TEST(TimelineProtocol, RefusesColumnsOfDifferentLengthsAndUnknownWakers) {
  pb::Timeline m;
  to_proto(window(), &m);
  timeline out;
  std::string error;
  pb::Timeline short_column = m;
  short_column.mutable_poll_durations()->RemoveLast();
  EXPECT_FALSE(from_proto(short_column, out, error));
  EXPECT_NE(error.find("lengths"), std::string::npos);
  pb::Timeline bad_kind = m;
  bad_kind.set_wake_kinds(0, static_cast<pb::WakerKind>(77));
  EXPECT_FALSE(from_proto(bad_kind, out, error));
  // Offsets that overflow are clamped, and the window widens to cover every event.
  pb::Timeline huge = m;
  huge.set_poll_durations(0, UINT64_MAX);
  ASSERT_TRUE(from_proto(huge, out, error));
  EXPECT_EQ(out.polls[0].end_ns, UINT64_MAX);
  EXPECT_EQ(out.end_ns, UINT64_MAX);
}

TEST(TimelineProtocol, NotRecordingIsAReplyWithoutAWindow) {
  pb::ServerMessage m;
  m.mutable_timeline()->set_recording(false);
  console_state_builder b;
  const auto r = b.apply(m.SerializeAsString());
  EXPECT_EQ(r.kind, console_state_builder::result::timeline);
  EXPECT_EQ(r.window, nullptr);
}

console_client_options client_to(const console_server& s) {
  console_client_options o;
  o.port = s.port();
  return o;
}

/// A console connected to `server` that keeps every timeline reply (null: not recording).
struct timeline_console {
  std::mutex m;
  std::vector<std::shared_ptr<const timeline>> got;
  std::unique_ptr<console_client> client;

  explicit timeline_console(const console_server& server) {
    console_client_callbacks callbacks;
    callbacks.on_timeline = [this](std::shared_ptr<const timeline> t) {
      std::lock_guard lock(m);
      got.push_back(std::move(t));
    };
    client = std::make_unique<console_client>(client_to(server), callbacks);
    client->start();
  }
  std::size_t replies() {
    std::lock_guard lock(m);
    return got.size();
  }
};

/// What a recorder gives after `window()`: one poll and one wake 10 us after its end.
timeline newer_than_window() {
  timeline t;
  t.process_name = "echo";
  t.pid = 4242;
  t.partial = true;
  t.begin_ns = T0 + 1000;  // the recorder has evicted the window's events that end earlier
  t.end_ns = T0 + 60'000;
  t.dropped_events = 5;
  t.workers = {{0, "coroscope-w0", 100}, {1, "coroscope-w1", 101}};
  t.tasks = {{3, 2, "child"}, {2, 0, ""}};  // a new task; task 2 again, without its name
  t.polls = {{1, 3, T0 + 59'000, T0 + 60'000}};
  t.wakes = {{3, T0 + 58'000, timeline::waker_kind::task, 2}};
  return t;
}

TEST(ConsoleServerTimeline, AWholeWindowOncePerIntervalThenWhatIsNew) {
  test::fake_source fake;
  auto source = fake.make();
  std::mutex m;
  std::vector<timeline_cursor> asked;
  source.timeline = [&](timeline_cursor& after) -> std::optional<timeline> {
    std::lock_guard lock(m);
    asked.push_back(after);
    const bool whole = after.events == 0;
    after.events += whole ? 9 : 2;  // as a recorder moves it: past what it gave
    return whole ? window() : newer_than_window();
  };
  console_server server(std::move(source), {.port = 0, .publish_interval = 10ms, .timeline_interval = 1h});
  timeline_console first(server), second(server);
  ASSERT_TRUE(first.client->wait_for(connection_state::connected, 20s));
  ASSERT_TRUE(second.client->wait_for(connection_state::connected, 20s));
  first.client->request_timeline();
  ASSERT_TRUE(test::eventually([&] { return first.replies() == 1; }));
  second.client->request_timeline();
  ASSERT_TRUE(test::eventually([&] { return second.replies() == 1; }));
  first.client->request_timeline();
  ASSERT_TRUE(test::eventually([&] { return first.replies() == 2; }));
  second.client->request_timeline();
  ASSERT_TRUE(test::eventually([&] { return second.replies() == 2; }));

  // The whole window once for both consoles, then each one's own cursor.
  std::lock_guard lock(m);
  ASSERT_EQ(asked.size(), 3u);
  EXPECT_EQ(asked[0].events, 0u);
  EXPECT_EQ(asked[1].events, 9u) << "the shared window's end";
  EXPECT_EQ(asked[2].events, 9u);
  EXPECT_EQ(server.stats().requests, 4u);
  for (timeline_console* c : {&first, &second}) {
    std::lock_guard got_lock(c->m);
    ASSERT_NE(c->got[0], nullptr);
    expectEqual(window(), *c->got[0]);
    // The second reply is the window with the new events added, and without those
    // evicted since: a whole window again.
    ASSERT_NE(c->got[1], nullptr);
    const timeline& merged = *c->got[1];
    EXPECT_FALSE(merged.partial);
    EXPECT_EQ(merged.dropped_events, 5u);
    EXPECT_EQ(merged.end_ns, T0 + 60'000);
    EXPECT_EQ(merged.workers.size(), 2u);
    EXPECT_EQ(merged.workers[1].thread_name, "coroscope-w1");
    // Polls ending before T0 + 1000 are gone; the one that ends at it stays.
    ASSERT_EQ(merged.polls.size(), 3u);
    EXPECT_EQ(merged.polls[0].begin_ns, T0 + 1000);
    EXPECT_EQ(merged.polls[2].task_id, 3u);
    EXPECT_EQ(merged.wakes.size(), 4u) << "3 of the window's (one before the start), 1 new";
    EXPECT_TRUE(merged.parks.size() == 1 && merged.awaits.size() == 1 && merged.lints.empty());
    // Task 1 is still named by a wake; task 2 keeps its name from the older window.
    std::map<std::uint64_t, const timeline::task*> tasks;
    for (const auto& t : merged.tasks) tasks[t.id] = &t;
    ASSERT_EQ(tasks.size(), 3u);
    EXPECT_EQ(tasks.at(2)->name, "session");
    EXPECT_EQ(tasks.at(2)->parent_id, 1u);
    EXPECT_EQ(tasks.at(3)->name, "child");
    EXPECT_LE(merged.begin_ns, T0 + 1000);
  }
}

TEST(ConsoleServerTimeline, ARecordingStartsWithTheWholeWindow) {
  // A replay has none of the replies before the recording: its first must be whole.
  test::fake_source fake;
  auto source = fake.make();
  source.timeline = [&](timeline_cursor& after) -> std::optional<timeline> {
    const bool whole = after.events == 0;
    after.events += whole ? 9 : 2;
    return whole ? window() : newer_than_window();
  };
  console_server server(std::move(source), {.port = 0, .publish_interval = 10ms, .timeline_interval = 0s});
  timeline_console console(server);
  ASSERT_TRUE(console.client->wait_for(connection_state::connected, 20s));
  console.client->request_timeline();
  ASSERT_TRUE(test::eventually([&] { return console.replies() == 1; }));
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("console-timeline-" + std::to_string(getpid()) + ".cscrec")).string();
  std::string error;
  ASSERT_TRUE(console.client->start_recording(path, error)) << error;
  console.client->request_timeline();
  ASSERT_TRUE(test::eventually([&] { return console.replies() == 2; }));
  console.client->request_timeline();
  ASSERT_TRUE(test::eventually([&] { return console.replies() == 3; }));
  console.client->stop_recording();
  std::filesystem::remove(path);
  std::lock_guard lock(console.m);
  expectEqual(window(), *console.got[1]);  // whole again, not the events since the first
  EXPECT_EQ(console.got[2]->polls.size(), 3u) << "then what came since, added";
}

TEST(ConsoleServerTimeline, APeerAskingWithoutPauseGetsOnePartialReplyPerInterval) {
  test::fake_source fake;
  auto source = fake.make();
  std::atomic<int> taken{0};
  source.timeline = [&](timeline_cursor& after) -> std::optional<timeline> {
    ++taken;
    const bool whole = after.events == 0;
    after.events += whole ? 9 : 2;
    return whole ? window() : newer_than_window();
  };
  console_server server(std::move(source), {.port = 0,
                                            .publish_interval = 10ms,
                                            .timeline_interval = 1h,
                                            .timeline_partial_interval = 3s});
  auto console = std::make_unique<timeline_console>(server);
  ASSERT_TRUE(console->client->wait_for(connection_state::connected, 20s));
  console->client->request_timeline();
  ASSERT_TRUE(test::eventually([&] { return console->replies() == 1; }));
  EXPECT_EQ(taken, 1);  // the whole window goes at once
  for (int i = 0; i < 5; ++i) console->client->request_timeline();
  ASSERT_TRUE(test::eventually([&] { return console->replies() == 2; }));
  // Five requests within the interval: held until it passed, then one drain, one reply.
  EXPECT_EQ(taken, 2);
  EXPECT_EQ(server.stats().requests, 6u);
  {
    std::lock_guard lock(console->m);
    ASSERT_NE(console->got[1], nullptr);
    EXPECT_EQ(console->got[1]->polls.size(), 3u) << "the window with what came since";
  }
  // A console that leaves while its reply is held: its connection closes (the held
  // reply's timer goes with it) and the server serves the next console.
  console->client->request_timeline();
  ASSERT_TRUE(test::eventually([&] { return server.stats().requests == 7u; }));
  console.reset();
  ASSERT_TRUE(test::eventually([&] { return server.stats().clients == 0u; }));
  timeline_console next(server);
  ASSERT_TRUE(next.client->wait_for(connection_state::connected, 20s));
  next.client->request_timeline();
  ASSERT_TRUE(test::eventually([&] { return next.replies() == 1; }));
}

TEST(ConsoleServerTrace, AFailedWriteIsAskedForAtMostOncePerInterval) {
  // Encoding a window takes seconds of CPU before the file fails to open: a console that
  // keeps asking must not make the server encode without pause.
  test::fake_source fake;
  auto source = fake.make();
  std::atomic<int> attempts{0};
  source.write_trace = [&]() -> trace_written {
    ++attempts;
    throw std::runtime_error("/full/disk/console.perfetto-trace: cannot be written");
  };
  console_server server(std::move(source), {.port = 0, .publish_interval = 10ms, .trace_interval = 1h});
  std::mutex m;
  std::vector<trace_written> got;
  console_client_callbacks callbacks;
  callbacks.on_trace_written = [&](const trace_written& t) {
    std::lock_guard lock(m);
    got.push_back(t);
  };
  console_client client(client_to(server), callbacks);
  client.start();
  ASSERT_TRUE(client.wait_for(connection_state::connected, 20s));
  ASSERT_TRUE(client.state()->identity.serves_trace);
  for (int i = 0; i < 3; ++i) client.request_trace();
  ASSERT_TRUE(test::eventually([&] {
    std::lock_guard lock(m);
    return got.size() == 3;
  }));
  EXPECT_EQ(attempts, 1);
  std::lock_guard lock(m);
  for (const trace_written& t : got) {
    EXPECT_EQ(t.path, "");
    EXPECT_EQ(t.error, "/full/disk/console.perfetto-trace: cannot be written");
  }
}

TEST(TimelineProtocol, PartialRepliesAddUpToABoundedWindow) {
  // A peer that never moves the window's start: the newest events stay, about the bound.
  timeline merged = window();  // 10 events
  for (int i = 0; i < 20; ++i) {
    timeline part = newer_than_window();  // 2 events
    part.begin_ns = T0;
    for (auto& p : part.polls) p.begin_ns = p.end_ns = T0 + 100'000 + 10 * i;
    for (auto& w : part.wakes) w.time_ns = T0 + 100'000 + 10 * i;
    merged = console::detail::add_partial(merged, std::move(part), 16);
  }
  const std::size_t events = merged.polls.size() + merged.wakes.size() + merged.parks.size() +
                             merged.awaits.size() + merged.lints.size();
  EXPECT_GE(events, 16u);
  EXPECT_LE(events, 18u) << "events at the cut itself may pass";
  EXPECT_EQ(merged.polls.back().begin_ns, T0 + 100'000 + 190) << "the newest";
  for (const auto& p : merged.polls) EXPECT_GE(p.end_ns, merged.begin_ns);
}

TEST(TimelineProtocol, APartialReplyCrossesTheWireAsOne) {
  for (const timeline& sent : {newer_than_window(), window()}) {
    pb::Timeline m;
    to_proto(sent, &m);
    timeline back;
    std::string error;
    ASSERT_TRUE(from_proto(m, back, error)) << error;
    EXPECT_EQ(back.partial, sent.partial);
  }
}

TEST(TimelineProtocol, AnotherConnectionsWholeWindowReplacesThePartsBefore) {
  console_state_builder b;
  const auto apply = [&](const timeline& t) {
    pb::ServerMessage m;
    to_proto(t, m.mutable_timeline());
    return b.apply(m.SerializeAsString()).window;
  };
  apply(window());
  ASSERT_EQ(apply(newer_than_window())->polls.size(), 3u);
  timeline fresh = window();
  fresh.polls.resize(1);
  EXPECT_EQ(apply(fresh)->polls.size(), 1u) << "a whole window is taken as it is";
  b.reset();
  EXPECT_EQ(apply(newer_than_window())->polls.size(), 1u) << "nothing to add it to: the part alone";
}

TEST(ConsoleServerTimeline, SaysNotRecordingWithoutASource) {
  test::fake_source fake;
  console_server server(fake.make(), {.port = 0, .publish_interval = 10ms});
  timeline_console console(server);
  ASSERT_TRUE(console.client->wait_for(connection_state::connected, 20s));
  EXPECT_TRUE(console.client->state()->identity.serves_timeline);
  console.client->request_timeline();
  ASSERT_TRUE(test::eventually([&] { return console.replies() == 1; }));
  EXPECT_EQ(console.got[0], nullptr);
  EXPECT_EQ(console.client->connection(), connection_state::connected);
}

}  // namespace
}  // namespace coroscope
