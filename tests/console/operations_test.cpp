// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// What the probe sees without annotations, on the console: operations per task and by
// kind, the "(no task)" bucket and the resources, through the messages, the state builder
// (full states, deltas, bounds) and a real probe's console server.
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "console_test_support.hpp"
#include "coroscope/console/change_predicates.hpp"
#include "coroscope/console/proto_conversions.hpp"
#include "coroscope/console/v1/console.pb.h"
#include "coroscope/console_client.hpp"
#include "coroscope/console_state.hpp"
#include "coroscope/coroscope.hpp"

namespace {

namespace pb = coroscope::console::v1;
namespace detail = coroscope::console::detail;
using namespace std::chrono_literals;
using coroscope::console_state;
using coroscope::resource_info;
using coroscope::snapshot;
using R = coroscope::console_state_builder::result;

resource_info resource(std::uint64_t id, std::string kind, std::uint64_t timed) {
  resource_info r;
  r.id = id;
  r.kind = std::move(kind);
  r.native_handle = r.kind == "timer" ? -1 : static_cast<std::int64_t>(id + 10);
  r.timed_operations = timed;
  r.waits.count = timed;
  r.waits.p50 = std::chrono::microseconds(timed);
  r.waits.p99 = std::chrono::microseconds(10 * timed);
  r.waits.max = std::chrono::microseconds(20 * timed);
  r.last_task_id = 4;
  r.last_task_name = "reader";
  return r;
}

snapshot first() {
  snapshot s;
  coroscope::task_info t;
  t.id = 4;
  t.name = "reader";
  t.operations = {{"socket_read", 10}, {"timer_wait", 2}};
  s.tasks = {t};
  s.no_task = {5, 2ms};
  coroscope::operation_kind_info reads{"socket_read", 10, {}};
  reads.waits.count = 3;
  reads.waits.p50 = 1ms;
  reads.waits.p99 = 7ms;
  s.operation_kinds = {reads, {"timer_wait", 2, {}}};
  s.resources = {resource(1, "socket", 3), resource(2, "timer", 2), resource(3, "socket", 1)};
  s.dropped_resources = 1;
  return s;
}

/// One Update as the server builds it: hello-less, numbered `sequence`.
std::string update_payload(const snapshot* previous, const snapshot& current, std::uint64_t sequence,
                           pb::Update* keep = nullptr) {
  pb::ServerMessage m;
  auto* u = m.mutable_update();
  u->set_full_state(previous == nullptr);
  u->set_sequence(sequence);
  std::unordered_map<std::uint64_t, const coroscope::task_info*> before;
  if (previous)
    for (const auto& t : previous->tasks) before.emplace(t.id, &t);
  for (const auto& t : current.tasks) {
    const auto it = before.find(t.id);
    if (it == before.end())
      detail::to_proto(t, u->add_new_tasks());
    else if (detail::stats_differ(*it->second, t))
      detail::to_proto_stats(t, u->add_changed_tasks());
  }
  detail::fill_operations(previous, current, u);
  if (keep) *keep = *u;
  return m.SerializeAsString();
}

TEST(OperationMessages, FullStateCarriesEverything) {
  coroscope::console_state_builder b;
  ASSERT_EQ(b.apply(update_payload(nullptr, first(), 1)).kind, R::update);
  const console_state& s = b.state();
  EXPECT_EQ(s.no_task.polls, 5u);
  EXPECT_EQ(s.no_task.busy, 2ms);
  ASSERT_EQ(s.operation_kinds.size(), 2u);
  EXPECT_EQ(s.operation_kinds[0].kind, "socket_read");
  EXPECT_EQ(s.operation_kinds[0].count, 10u);
  EXPECT_EQ(s.operation_kinds[0].waits.count, 3u);
  EXPECT_EQ(s.operation_kinds[0].waits.p99, 7ms);
  ASSERT_EQ(s.tasks.at(4).operations.size(), 2u);
  EXPECT_EQ(s.tasks.at(4).operations[1].kind, "timer_wait");
  EXPECT_EQ(s.tasks.at(4).operations[1].count, 2u);
  ASSERT_EQ(s.resources.size(), 3u);
  const resource_info& r = s.resources.at(1);
  EXPECT_EQ(r.kind, "socket");
  EXPECT_EQ(r.native_handle, 11);
  EXPECT_FALSE(r.closed);
  EXPECT_EQ(r.timed_operations, 3u);
  EXPECT_EQ(r.waits.p50, 3us);
  EXPECT_EQ(r.waits.p99, 30us);
  EXPECT_EQ(r.waits.max, 60us);
  EXPECT_EQ(r.last_task_id, 4u);
  EXPECT_EQ(r.last_task_name, "reader");
  EXPECT_EQ(s.resources.at(2).native_handle, -1);
  EXPECT_EQ(s.counts.dropped_resources, 1u);
}

TEST(OperationMessages, DeltaSendsOnlyNewChangedAndRemovedResources) {
  const snapshot a = first();
  snapshot b = a;
  b.resources[0].timed_operations = 4;  // changed
  b.resources[2].closed = true;         // changed
  b.resources.erase(b.resources.begin() + 1);  // the timer is gone
  b.resources.push_back(resource(9, "executor", 1));  // new
  b.tasks[0].operations[0].count = 11;  // only the operations changed
  b.no_task.polls = 6;
  b.dropped_resources = 2;

  coroscope::console_state_builder builder;
  ASSERT_EQ(builder.apply(update_payload(nullptr, a, 1)).kind, R::update);
  pb::Update delta;
  ASSERT_EQ(builder.apply(update_payload(&a, b, 2, &delta)).kind, R::update);
  std::vector<std::uint64_t> sent;
  for (const auto& r : delta.resources()) sent.push_back(r.id());
  EXPECT_EQ(sent, (std::vector<std::uint64_t>{1, 3, 9}));
  EXPECT_EQ(std::vector<std::uint64_t>(delta.removed_resource_ids().begin(), delta.removed_resource_ids().end()),
            (std::vector<std::uint64_t>{2}));
  ASSERT_EQ(delta.changed_tasks_size(), 1) << "a change of operations alone is a change";

  const console_state& s = builder.state();
  ASSERT_EQ(s.resources.size(), 3u);
  EXPECT_EQ(s.resources.at(1).timed_operations, 4u);
  EXPECT_TRUE(s.resources.at(3).closed);
  EXPECT_EQ(s.resources.count(2), 0u);
  EXPECT_EQ(s.resources.at(9).kind, "executor");
  EXPECT_EQ(s.tasks.at(4).operations[0].count, 11u);
  EXPECT_EQ(s.no_task.polls, 6u);
  EXPECT_EQ(s.counts.dropped_resources, 2u);

  // Nothing changed: no resource travels, and none is lost.
  pb::Update quiet;
  ASSERT_EQ(builder.apply(update_payload(&b, b, 3, &quiet)).kind, R::update);
  EXPECT_EQ(quiet.resources_size(), 0);
  EXPECT_EQ(quiet.removed_resource_ids_size(), 0);
  EXPECT_EQ(quiet.changed_tasks_size(), 0);
  EXPECT_EQ(builder.state().resources.size(), 3u);
  EXPECT_EQ(builder.state().operation_kinds.size(), 2u) << "kinds travel with every update";
}

TEST(OperationMessages, APeerBeyondTheBoundsIsCut) {
  pb::ServerMessage m;
  auto* u = m.mutable_update();
  u->set_full_state(true);
  u->set_sequence(1);
  for (std::uint64_t id = 1; id <= console_state::kMaxResources + 100; ++id) {
    auto* r = u->add_resources();
    r->set_id(id);
    r->set_kind("socket");
  }
  for (int k = 0; k < 200; ++k) u->add_operation_kinds()->set_kind("kind" + std::to_string(k));
  auto* t = u->add_new_tasks();
  t->set_id(1);
  t->mutable_stats()->set_id(1);
  for (int k = 0; k < 200; ++k) {
    auto* op = t->mutable_stats()->add_operations();
    op->set_kind("kind" + std::to_string(k));
    op->set_count(1);
  }
  coroscope::console_state_builder b;
  ASSERT_EQ(b.apply(m.SerializeAsString()).kind, R::update);
  EXPECT_EQ(b.state().resources.size(), console_state::kMaxResources);
  EXPECT_EQ(b.state().operation_kinds.size(), console_state::kMaxOperationKinds);
  EXPECT_EQ(b.state().tasks.at(1).operations.size(), console_state::kMaxOperationKinds);

  // Known ones still update when the state is full; removing one makes room.
  pb::ServerMessage d;
  auto* delta = d.mutable_update();
  delta->set_sequence(2);
  delta->add_removed_resource_ids(1);
  auto* known = delta->add_resources();
  known->set_id(2);
  known->set_closed(true);
  delta->add_resources()->set_id(console_state::kMaxResources + 50);
  ASSERT_EQ(b.apply(d.SerializeAsString()).kind, R::update);
  EXPECT_EQ(b.state().resources.size(), console_state::kMaxResources);
  EXPECT_TRUE(b.state().resources.at(2).closed);
  EXPECT_EQ(b.state().resources.count(console_state::kMaxResources + 50), 1u);
}

// -------------------------------------------------------------- a real probe

boost::asio::awaitable<void> ticks(int n) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (int i = 0; i < n; ++i) {
    timer.expires_after(1ms);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

std::uint64_t count_of(const std::vector<coroscope::operation_count>& ops, const std::string& kind) {
  for (const auto& op : ops)
    if (op.kind == kind) return op.count;
  return 0;
}

TEST(OperationConsole, AProbesOperationsResourcesAndNoTaskBucketReachTheClient) {
  constexpr int kTicks = 5, kOutside = 4;
  boost::asio::io_context io;
  coroscope::probe probe{io, {.service_name = "console-ops", .timing_interval = 1}};
  std::atomic<int> outside{0};
  boost::asio::co_spawn(io, ticks(kTicks), boost::asio::detached);
  for (int i = 0; i < kOutside; ++i) boost::asio::post(io, [&outside] { ++outside; });
  io.run();
  ASSERT_EQ(outside.load(), kOutside);

  coroscope::console_server server(coroscope::make_console_source(probe),
                                   {.port = 0, .publish_interval = 10ms});
  coroscope::console_client client({.port = server.port()});
  client.start();
  ASSERT_TRUE(client.wait_for([](const console_state& s) { return !s.resources.empty(); }, 20s));
  const auto s = client.state();
  EXPECT_EQ(s->no_task.polls, static_cast<std::uint64_t>(kOutside));
  const coroscope::task_info* task = nullptr;
  for (const auto& [id, t] : s->tasks)
    if (t.name == "ticks") task = &t;
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(count_of(task->operations, "timer_wait"), static_cast<std::uint64_t>(kTicks));
  bool timer_kind = false;
  for (const auto& k : s->operation_kinds)
    timer_kind |= k.kind == "timer_wait" && k.count == kTicks && k.waits.count == kTicks;
  EXPECT_TRUE(timer_kind);
  // A wait counts from async_wait, a little after expires_after set the 1 ms deadline, so
  // a slow build (ASan) measures some waits just under 1 ms: 983-999 us seen.
  bool timer = false;
  for (const auto& [id, r] : s->resources)
    timer |= r.kind == "timer" && r.timed_operations == kTicks && r.last_task_id == task->id &&
             r.waits.p50 >= 500us;
  EXPECT_TRUE(timer);

  // coroscope's own cost comes with every update.
  std::uint64_t polls = 0;
  for (const auto& w : s->workers) polls += w.polls;
  EXPECT_EQ(s->self.polls, polls);
  EXPECT_GE(s->self.polls, static_cast<std::uint64_t>(kTicks + kOutside));
  EXPECT_GT(s->self.events, 0u);
  EXPECT_GT(s->self.event_cost.count(), 0);
  EXPECT_GT(s->self.ns_per_poll, 0.0);
  EXPECT_GT(s->self.ring_bytes, 0u);
  EXPECT_GT(s->self.table_bytes, 0u);

  // Task details carry the task's operations too.
  client.request_task_details(task->id);
  ASSERT_TRUE(coroscope::test::eventually([&] { return client.last_details() != nullptr; }));
  EXPECT_EQ(count_of(client.last_details()->task.operations, "timer_wait"), static_cast<std::uint64_t>(kTicks));
  client.stop();
}

}  // namespace
