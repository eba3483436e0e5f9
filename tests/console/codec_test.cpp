// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The frame codec and every protocol message through it.
#include <gtest/gtest.h>

#include <string>

#include "coroscope/console/frame_codec.hpp"
#include "coroscope/console/v1/console.pb.h"
#include "coroscope/console_state.hpp"

namespace {

namespace pb = coroscope::console::v1;
using coroscope::console::frame_decoder;

/// Encodes `m`, feeds the frame to a decoder one byte at a time and parses it back.
template <typename Message>
Message round_trip(const Message& m) {
  const std::string frame = coroscope::console::encode_frame(m.SerializeAsString());
  frame_decoder decoder;
  std::string payload;
  for (std::size_t i = 0; i + 1 < frame.size(); ++i) {
    decoder.feed(frame.substr(i, 1));
    EXPECT_EQ(decoder.next(payload), frame_decoder::status::need_more) << "byte " << i;
  }
  decoder.feed(frame.substr(frame.size() - 1));
  EXPECT_EQ(decoder.next(payload), frame_decoder::status::frame);
  EXPECT_EQ(decoder.next(payload), frame_decoder::status::need_more);
  Message out;
  EXPECT_TRUE(out.ParseFromString(payload));
  EXPECT_EQ(out.SerializeAsString(), m.SerializeAsString());
  return out;
}

TEST(FrameCodec, HeaderIsBigEndianLength) {
  const std::string frame = coroscope::console::encode_frame(std::string(0x010203, 'x'));
  ASSERT_EQ(frame.size(), 4u + 0x010203);
  EXPECT_EQ(frame.substr(0, 4), std::string("\x00\x01\x02\x03", 4));
}

TEST(FrameCodec, SeveralFramesInOneRead) {
  std::string bytes;
  coroscope::console::append_frame(bytes, "one");
  coroscope::console::append_frame(bytes, "two");
  coroscope::console::append_frame(bytes, "three");
  frame_decoder decoder;
  decoder.feed(bytes);
  std::string payload;
  for (const char* expected : {"one", "two", "three"}) {
    ASSERT_EQ(decoder.next(payload), frame_decoder::status::frame);
    EXPECT_EQ(payload, expected);
  }
  EXPECT_EQ(decoder.next(payload), frame_decoder::status::need_more);
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(FrameCodec, RejectsOversizedFrameBeforeItsBodyArrives) {
  frame_decoder decoder(1024);
  decoder.feed(std::string("\x00\x00\x04\x01", 4));  // 1025 bytes announced
  std::string payload;
  EXPECT_EQ(decoder.next(payload), frame_decoder::status::error);
  EXPECT_NE(decoder.error().find("exceeds the limit of 1024"), std::string::npos) << decoder.error();
  decoder.feed("more");  // stays failed
  EXPECT_EQ(decoder.next(payload), frame_decoder::status::error);
}

TEST(FrameCodec, RejectsEmptyFrameAndGarbage) {
  frame_decoder empty;
  empty.feed(std::string(4, '\0'));
  std::string payload;
  EXPECT_EQ(empty.next(payload), frame_decoder::status::error);
  EXPECT_EQ(empty.error(), "empty frame");

  frame_decoder garbage(coroscope::console::kMaxClientFrameSize);
  garbage.feed("GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(garbage.next(payload), frame_decoder::status::error);
}

TEST(FrameCodec, EncoderRefusesOversizedPayload) {
  EXPECT_THROW(coroscope::console::encode_frame(std::string(100, 'x'), 99), std::length_error);
}

TEST(Messages, ClientMessagesRoundTrip) {
  pb::ClientMessage hello;
  hello.mutable_hello()->set_protocol_version(coroscope::console::kProtocolVersion);
  hello.mutable_hello()->set_token("s3cret");
  hello.mutable_hello()->set_client_name("test");
  EXPECT_EQ(round_trip(hello).hello().token(), "s3cret");

  pb::ClientMessage details;
  details.mutable_task_details()->set_task_id(42);
  EXPECT_EQ(round_trip(details).task_details().task_id(), 42u);

  pb::ClientMessage pause;
  pause.mutable_pause();
  EXPECT_EQ(round_trip(pause).kind_case(), pb::ClientMessage::kPause);
  pb::ClientMessage resume;
  resume.mutable_resume();
  EXPECT_EQ(round_trip(resume).kind_case(), pb::ClientMessage::kResume);
}

TEST(Messages, VersionConstantMatchesProto) {
  EXPECT_EQ(static_cast<std::uint32_t>(pb::VERSION_CURRENT), coroscope::console::kProtocolVersion);
}

pb::ServerMessage sample_hello() {
  pb::ServerMessage m;
  auto* h = m.mutable_hello();
  h->set_protocol_version(coroscope::console::kProtocolVersion);
  h->set_service_name("checkout");
  h->set_pid(1234);
  h->set_host("box");
  h->set_process_start_unix_nano(1'700'000'000'000'000'000ull);
  h->set_probe_id(3);
  h->set_instance_id("00ff00ff00ff00ff");
  return m;
}

pb::ServerMessage sample_full_update() {
  pb::ServerMessage m;
  auto* u = m.mutable_update();
  u->set_sequence(7);
  u->set_full_state(true);
  u->set_uptime_nanos(5'000'000'000);
  for (std::uint64_t id : {1, 2}) {
    auto* t = u->add_new_tasks();
    t->set_id(id);
    t->set_parent_id(id - 1);
    t->set_name("task" + std::to_string(id));
    t->mutable_spawn_location()->set_file("main.cpp");
    t->mutable_spawn_location()->set_line(10 + static_cast<std::uint32_t>(id));
    t->mutable_stats()->set_id(id);
    t->mutable_stats()->set_state(pb::TASK_STATE_IDLE);
    t->mutable_stats()->set_polls(id * 10);
  }
  auto* w = u->add_workers();
  w->set_index(0);
  w->set_polls(30);
  w->set_busy_ratio(0.25);
  auto* a = u->add_await_sites();
  a->set_name("db.query");
  a->set_count(5);
  a->mutable_durations()->add_percentiles()->set_quantile(0.5);
  u->set_warnings_changed(true);
  auto* warning = u->add_warnings();
  warning->set_lint("long-poll");
  warning->set_task_id(2);
  u->mutable_counts()->set_tasks_spawned(2);
  u->mutable_counts()->set_dropped_events(9);
  u->mutable_self_cost()->set_nanos_per_poll(38.5);
  u->mutable_self_cost()->set_collector_cpu_nanos(1500);
  u->mutable_self_cost()->set_ring_bytes(4096);
  u->mutable_self_cost()->set_recorder_lost_events(12);
  u->mutable_self_cost()->set_recorder_lost_samples(5);
  u->add_string_table("");
  u->add_string_table("main");
  u->add_string_table("handler");
  auto* stack = u->add_cpu_samples();
  stack->add_frames(1);
  stack->add_frames(2);
  stack->add_is_task_frame(false);
  stack->add_is_task_frame(true);
  stack->set_count(4);
  stack->set_task_id(2);
  return m;
}

TEST(Messages, ServerMessagesRoundTrip) {
  EXPECT_EQ(round_trip(sample_hello()).hello().service_name(), "checkout");
  const auto update = round_trip(sample_full_update());
  EXPECT_EQ(update.update().new_tasks_size(), 2);
  EXPECT_EQ(update.update().cpu_samples(0).frames_size(), 2);

  pb::ServerMessage details;
  auto* d = details.mutable_task_details();
  d->set_task_id(2);
  d->mutable_task()->set_id(2);
  d->mutable_poll_times()->set_count(3);
  auto* bucket = d->mutable_poll_times()->add_buckets();
  bucket->set_upper_bound_nanos(1000);
  bucket->set_count(3);
  auto* frame = d->add_async_stack();
  frame->set_function("handle_request");
  frame->set_line(77);
  d->set_trace_id(std::string(32, 'a'));
  EXPECT_EQ(round_trip(details).task_details().async_stack(0).line(), 77u);

  pb::ServerMessage error;
  error.mutable_error()->set_code(pb::Error::CODE_VERSION_MISMATCH);
  error.mutable_error()->set_message("nope");
  EXPECT_EQ(round_trip(error).error().code(), pb::Error::CODE_VERSION_MISMATCH);
}

TEST(StateBuilder, MergesFullStateThenDeltas) {
  coroscope::console_state_builder b;
  using R = coroscope::console_state_builder::result;
  EXPECT_EQ(b.apply(sample_hello().SerializeAsString()).kind, R::hello);
  EXPECT_EQ(b.state().identity.pid, 1234u);
  EXPECT_EQ(b.state().identity.instance_id, "00ff00ff00ff00ff");

  ASSERT_EQ(b.apply(sample_full_update().SerializeAsString()).kind, R::update);
  const auto& s = b.state();
  ASSERT_EQ(s.tasks.size(), 2u);
  EXPECT_EQ(s.tasks.at(2).name, "task2");
  EXPECT_EQ(s.tasks.at(2).polls, 20u);
  EXPECT_EQ(s.tasks.at(2).spawn_location.line, 12u);
  ASSERT_EQ(s.cpu_samples.size(), 1u);
  EXPECT_EQ(s.cpu_samples[0].frames, (std::vector<std::string>{"main", "handler"}));
  EXPECT_EQ(s.cpu_samples[0].is_task_frame, (std::vector<bool>{false, true}));
  EXPECT_EQ(s.counts.dropped_events, 9u);
  EXPECT_EQ(s.warnings.size(), 1u);
  EXPECT_DOUBLE_EQ(s.self.ns_per_poll, 38.5);
  EXPECT_EQ(s.self.collector_cpu, std::chrono::nanoseconds(1500));
  EXPECT_EQ(s.self.ring_bytes, 4096u);
  EXPECT_EQ(s.self.recorder_lost_events, 12u);
  EXPECT_EQ(s.self.recorder_lost_samples, 5u);

  pb::ServerMessage delta;
  auto* u = delta.mutable_update();
  u->set_sequence(8);
  auto* changed = u->add_changed_tasks();
  changed->set_id(2);
  changed->set_state(pb::TASK_STATE_COMPLETED);
  changed->set_polls(21);
  u->add_removed_task_ids(1);
  auto* t = u->add_new_tasks();
  t->set_id(3);
  t->set_name("task3");
  auto* site = u->add_await_sites();
  site->set_name("db.query");
  site->set_count(6);
  ASSERT_EQ(b.apply(delta.SerializeAsString()).kind, R::update);
  EXPECT_FALSE(s.full);
  EXPECT_EQ(s.tasks.count(1), 0u);
  EXPECT_EQ(s.tasks.at(2).state, coroscope::task_state::completed);
  EXPECT_EQ(s.tasks.at(2).name, "task2");  // metadata kept from the full state
  EXPECT_EQ(s.tasks.at(3).name, "task3");
  EXPECT_EQ(s.added, (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(s.changed, (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(s.removed, (std::vector<std::uint64_t>{1}));
  ASSERT_EQ(s.await_sites.size(), 1u);
  EXPECT_EQ(s.await_sites[0].count, 6u);
  EXPECT_EQ(s.warnings.size(), 1u);  // warnings_changed false: kept

  // A gap in the sequence is reported, not merged.
  u->set_sequence(10);
  EXPECT_EQ(b.apply(delta.SerializeAsString()).kind, R::out_of_sync);
  EXPECT_EQ(b.state().sequence, 8u);
  EXPECT_EQ(b.apply("\xff\xff garbage").kind, R::malformed);
}

}  // namespace
