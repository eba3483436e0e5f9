// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Every event kind reads back, through its view, the fields its constructor was given, and
// carries who recorded it: a mix-up of the generic words between writer and reader fails here.
#include <gtest/gtest.h>

#include "coroscope/detail/event.hpp"

namespace coroscope::detail {
namespace {

const event_source kFrom{7, 3, 42, 1001};
const int kSite = 0;

void expect_source(const event& e, event_kind kind) {
  EXPECT_EQ(e.kind, kind);
  EXPECT_EQ(e.probe, kFrom.probe);
  EXPECT_EQ(e.worker, kFrom.worker);
  EXPECT_EQ(e.slot, kFrom.slot);
  EXPECT_EQ(e.task_id, kFrom.task_id);
}

TEST(EventFields, TaskLifetime) {
  const event spawn = make_spawn_event(kFrom, {99, 1234});
  expect_source(spawn, event_kind::task_spawn);
  EXPECT_EQ(spawn.as_spawn().parent_id, 99u);
  EXPECT_EQ(spawn.as_spawn().tick, 1234u);

  const event done = make_complete_event(kFrom, {5678, true});
  expect_source(done, event_kind::task_complete);
  EXPECT_EQ(done.as_complete().tick, 5678u);
  EXPECT_TRUE(done.as_complete().failed);
  EXPECT_FALSE(make_complete_event(kFrom, {1, false}).as_complete().failed);
}

TEST(EventFields, Polls) {
  const event poll = make_poll_event(kFrom, {10, 20, 35, 6}, flag_first_poll | flag_nested);
  expect_source(poll, event_kind::poll_sample);
  const poll_fields p = poll.as_poll();
  EXPECT_EQ(p.wake_tick, 10u);
  EXPECT_EQ(p.begin, 20u);
  EXPECT_EQ(p.end, 35u);
  EXPECT_EQ(p.op_kind, 6u);
  EXPECT_EQ(poll.flags, flag_first_poll | flag_nested);

  const event long_poll = make_long_poll_event(kFrom, {100, ~std::uint64_t{0}, 300});
  expect_source(long_poll, event_kind::long_poll);
  EXPECT_EQ(long_poll.as_long_poll().shortest, 100u);
  EXPECT_EQ(long_poll.as_long_poll().longest, ~std::uint64_t{0});
  EXPECT_EQ(long_poll.as_long_poll().end, 300u);

  const event blocked = make_blocking_event(kFrom, {40, 90});
  expect_source(blocked, event_kind::blocking_call);
  EXPECT_EQ(blocked.as_blocking().begin, 40u);
  EXPECT_EQ(blocked.as_blocking().end, 90u);
}

TEST(EventFields, AwaitsAndSiteCounts) {
  const event await = make_await_event(kFrom, {&kSite, 11, 17});
  expect_source(await, event_kind::await_sample);
  EXPECT_EQ(await.as_await().site, &kSite);
  EXPECT_EQ(await.as_await().shortest, 11u);
  EXPECT_EQ(await.as_await().longest, 17u);

  const event counted = make_site_count_event(9, {&kSite, 250});
  EXPECT_EQ(counted.kind, event_kind::site_count);
  EXPECT_EQ(counted.probe, 9);
  EXPECT_EQ(counted.task_id, 0u);
  EXPECT_EQ(counted.as_site_count().site, &kSite);
  EXPECT_EQ(counted.as_site_count().count, 250u);
}

TEST(EventFields, OperationsAndResources) {
  const event start = make_op_start_event(kFrom, {77, &kSite, 12, 3});
  expect_source(start, event_kind::op_start);
  EXPECT_EQ(start.as_op_start().tick, 77u);
  EXPECT_EQ(start.as_op_start().object, &kSite);
  EXPECT_EQ(start.as_op_start().native_handle, 12u);
  EXPECT_EQ(start.as_op_start().op_kind, 3u);

  const event closed = make_resource_closed_event(kFrom, {12});
  expect_source(closed, event_kind::resource_closed);
  EXPECT_EQ(closed.as_resource_closed().native_handle, 12u);
}

TEST(EventFields, TraceAndWorkers) {
  const event trace = make_trace_event(kFrom, {0x0102030405060708, 0x1112131415161718, 0x2122});
  expect_source(trace, event_kind::trace_context);
  EXPECT_EQ(trace.as_trace().trace_high, 0x0102030405060708u);
  EXPECT_EQ(trace.as_trace().trace_low, 0x1112131415161718u);
  EXPECT_EQ(trace.as_trace().span_id, 0x2122u);

  const event start = make_worker_start_event(kFrom, {500, 3, 4242});
  expect_source(start, event_kind::worker_start);
  EXPECT_EQ(start.as_worker_start().tick, 500u);
  EXPECT_EQ(start.as_worker_start().cpu_clock, 3u);
  EXPECT_EQ(start.as_worker_start().tid, 4242u);

  const event stop = make_worker_stop_event(kFrom, {600});
  expect_source(stop, event_kind::worker_stop);
  EXPECT_EQ(stop.as_worker_stop().tick, 600u);
}

}  // namespace
}  // namespace coroscope::detail
