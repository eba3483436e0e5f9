// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The console's timeline: the Timeline message round trip (coroscope::timeline <->
// console.proto), its checks on what comes in, and a console asking a server for the
// window of a fixed source, and of none.
#include <gtest/gtest.h>

#include <mutex>

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

void expectEqual(const timeline& a, const timeline& b) {
  EXPECT_EQ(a.process_name, b.process_name);
  EXPECT_EQ(a.pid, b.pid);
  EXPECT_EQ(a.begin_ns, b.begin_ns);
  EXPECT_EQ(a.end_ns, b.end_ns);
  EXPECT_EQ(a.dropped_events, b.dropped_events);
  ASSERT_EQ(a.workers.size(), b.workers.size());
  for (std::size_t i = 0; i < a.workers.size(); ++i) {
    EXPECT_EQ(a.workers[i].index, b.workers[i].index);
    EXPECT_EQ(a.workers[i].thread_name, b.workers[i].thread_name);
    EXPECT_EQ(a.workers[i].tid, b.workers[i].tid);
  }
  ASSERT_EQ(a.tasks.size(), b.tasks.size());
  for (std::size_t i = 0; i < a.tasks.size(); ++i) {
    EXPECT_EQ(a.tasks[i].id, b.tasks[i].id);
    EXPECT_EQ(a.tasks[i].parent_id, b.tasks[i].parent_id);
    EXPECT_EQ(a.tasks[i].name, b.tasks[i].name);
  }
  ASSERT_EQ(a.polls.size(), b.polls.size());
  for (std::size_t i = 0; i < a.polls.size(); ++i) {
    EXPECT_EQ(a.polls[i].worker, b.polls[i].worker);
    EXPECT_EQ(a.polls[i].task_id, b.polls[i].task_id);
    EXPECT_EQ(a.polls[i].begin_ns, b.polls[i].begin_ns);
    EXPECT_EQ(a.polls[i].end_ns, b.polls[i].end_ns);
  }
  ASSERT_EQ(a.wakes.size(), b.wakes.size());
  for (std::size_t i = 0; i < a.wakes.size(); ++i) {
    EXPECT_EQ(a.wakes[i].task_id, b.wakes[i].task_id);
    EXPECT_EQ(a.wakes[i].time_ns, b.wakes[i].time_ns);
    EXPECT_EQ(a.wakes[i].waker, b.wakes[i].waker);
    EXPECT_EQ(a.wakes[i].waker_task_id, b.wakes[i].waker_task_id);
  }
  ASSERT_EQ(a.parks.size(), b.parks.size());
  for (std::size_t i = 0; i < a.parks.size(); ++i) {
    EXPECT_EQ(a.parks[i].worker, b.parks[i].worker);
    EXPECT_EQ(a.parks[i].begin_ns, b.parks[i].begin_ns);
    EXPECT_EQ(a.parks[i].end_ns, b.parks[i].end_ns);
  }
  ASSERT_EQ(a.awaits.size(), b.awaits.size());
  for (std::size_t i = 0; i < a.awaits.size(); ++i) {
    EXPECT_EQ(a.awaits[i].task_id, b.awaits[i].task_id);
    EXPECT_EQ(a.awaits[i].site, b.awaits[i].site);
    EXPECT_EQ(a.awaits[i].file, b.awaits[i].file);
    EXPECT_EQ(a.awaits[i].line, b.awaits[i].line);
    EXPECT_EQ(a.awaits[i].begin_ns, b.awaits[i].begin_ns);
    EXPECT_EQ(a.awaits[i].end_ns, b.awaits[i].end_ns);
  }
  ASSERT_EQ(a.lints.size(), b.lints.size());
  for (std::size_t i = 0; i < a.lints.size(); ++i) {
    EXPECT_EQ(a.lints[i].name, b.lints[i].name);
    EXPECT_EQ(a.lints[i].task_id, b.lints[i].task_id);
    EXPECT_EQ(a.lints[i].time_ns, b.lints[i].time_ns);
    EXPECT_EQ(a.lints[i].message, b.lints[i].message);
  }
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

struct timeline_replies {
  std::mutex m;
  std::vector<std::shared_ptr<const timeline>> got;
  std::size_t size() {
    std::lock_guard lock(m);
    return got.size();
  }
};

TEST(ConsoleServerTimeline, AnswersFromTheSourceAtMostOncePerInterval) {
  test::fake_source fake;
  auto source = fake.make();
  std::atomic<int> taken{0};
  source.timeline = [&]() -> std::optional<timeline> {
    ++taken;
    return window();
  };
  console_server server(std::move(source), {.port = 0, .publish_interval = 10ms, .timeline_interval = 1h});
  timeline_replies replies;
  console_client_callbacks callbacks;
  callbacks.on_timeline = [&](std::shared_ptr<const timeline> t) {
    std::lock_guard lock(replies.m);
    replies.got.push_back(std::move(t));
  };
  console_client client(client_to(server), callbacks);
  client.start();
  ASSERT_TRUE(client.wait_for(connection_state::connected, 20s));
  client.request_timeline();
  client.request_timeline();
  ASSERT_TRUE(test::eventually([&] { return replies.size() == 2; }));
  ASSERT_NE(replies.got[0], nullptr);
  expectEqual(window(), *replies.got[0]);
  EXPECT_EQ(taken.load(), 1);  // the second console request reused the window
  EXPECT_EQ(server.stats().requests, 2u);
}

TEST(ConsoleServerTimeline, SaysNotRecordingWithoutASource) {
  test::fake_source fake;
  console_server server(fake.make(), {.port = 0, .publish_interval = 10ms});
  timeline_replies replies;
  console_client_callbacks callbacks;
  callbacks.on_timeline = [&](std::shared_ptr<const timeline> t) {
    std::lock_guard lock(replies.m);
    replies.got.push_back(std::move(t));
  };
  console_client client(client_to(server), callbacks);
  client.start();
  ASSERT_TRUE(client.wait_for(connection_state::connected, 20s));
  EXPECT_TRUE(client.state()->identity.serves_timeline);
  client.request_timeline();
  ASSERT_TRUE(test::eventually([&] { return replies.size() == 1; }));
  EXPECT_EQ(replies.got[0], nullptr);
  EXPECT_EQ(client.connection(), connection_state::connected);
}

}  // namespace
}  // namespace coroscope
