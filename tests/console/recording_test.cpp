// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Recording a live session with the client and replaying it with session_reader.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "console_test_support.hpp"
#include "coroscope/console/v1/console.pb.h"
#include "coroscope/console_client.hpp"
#include "coroscope/console_recording.hpp"

namespace {

using namespace std::chrono_literals;
using coroscope::console_state;
using coroscope::recorded_kind;
using coroscope::session_reader;

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          (name + "-" + std::to_string(getpid()) + ".cscrec")).string();
}

bool same_operations(const std::vector<coroscope::operation_count>& a,
                     const std::vector<coroscope::operation_count>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.kind == y.kind && x.count == y.count;
  });
}

bool same_tasks(const console_state& a, const console_state& b) {
  if (a.tasks.size() != b.tasks.size()) return false;
  for (const auto& [id, t] : a.tasks) {
    const auto it = b.tasks.find(id);
    if (it == b.tasks.end() || it->second.name != t.name || it->second.polls != t.polls ||
        it->second.state != t.state || it->second.parent_id != t.parent_id ||
        !same_operations(it->second.operations, t.operations))
      return false;
  }
  return true;
}

/// The resources, the operation kinds and the "(no task)" bucket are the same.
bool same_operations(const console_state& a, const console_state& b) {
  const auto same_resource = [](const auto& x, const auto& y) {
    const auto& [xid, r] = x;
    const auto& [yid, q] = y;
    return xid == yid && r.kind == q.kind && r.native_handle == q.native_handle &&
           r.closed == q.closed && r.timed_operations == q.timed_operations &&
           r.waits.p50 == q.waits.p50 && r.waits.p99 == q.waits.p99 &&
           r.last_task_id == q.last_task_id && r.last_task_name == q.last_task_name;
  };
  const auto same_kind = [](const auto& x, const auto& y) {
    return x.kind == y.kind && x.count == y.count && x.waits.count == y.waits.count &&
           x.waits.p99 == y.waits.p99;
  };
  return std::equal(a.resources.begin(), a.resources.end(), b.resources.begin(), b.resources.end(),
                    same_resource) &&
         std::equal(a.operation_kinds.begin(), a.operation_kinds.end(), b.operation_kinds.begin(),
                    b.operation_kinds.end(), same_kind) &&
         a.no_task.polls == b.no_task.polls && a.no_task.busy == b.no_task.busy &&
         a.counts.dropped_resources == b.counts.dropped_resources;
}

TEST(Recording, LiveSessionReplaysToTheSameStates) {
  coroscope::test::fake_source fake;
  coroscope::console_server server(fake.make(), {.port = 0, .publish_interval = 5ms});
  std::mutex m;
  std::map<std::uint64_t, std::shared_ptr<const console_state>> seen;  // by sequence
  coroscope::console_client_callbacks callbacks;
  callbacks.on_state = [&](std::shared_ptr<const console_state> s) {
    std::lock_guard lock(m);
    seen[s->sequence] = s;
  };
  coroscope::console_client_options options;
  options.port = server.port();
  coroscope::console_client client(options, callbacks);
  client.start();
  ASSERT_TRUE(client.wait_for([](const console_state& s) { return s.sequence >= 3; }, 20s));

  // Started mid-session: the file still begins with the hello and a full state.
  const auto path = temp_path("console-record");
  std::string error;
  ASSERT_TRUE(client.start_recording(path, error)) << error;
  // Wait for the frames in the file, not for the client's sequence: the recording starts on
  // the client's thread and leaves out the deltas before its full state.
  const auto recorded_frames = [&] {
    std::string open_error;
    const auto partial = session_reader::open(path, open_error);
    return partial ? partial->size() : std::size_t{0};
  };
  ASSERT_TRUE(coroscope::test::eventually([&] { return recorded_frames() >= 12; }));
  client.request_task_details(1);
  ASSERT_TRUE(coroscope::test::eventually([&] { return client.last_details() != nullptr; }));
  client.stop_recording();
  const auto stopped_at = client.state()->sequence;
  ASSERT_TRUE(client.wait_for([&](const console_state& s) { return s.sequence >= stopped_at + 3; }, 20s));
  client.stop();

  auto reader = session_reader::open(path, error);
  ASSERT_TRUE(reader) << error;
  ASSERT_GE(reader->size(), 12u);
  EXPECT_EQ(reader->kind(0), recorded_kind::hello);
  EXPECT_EQ(reader->kind(1), recorded_kind::full_state);
  bool has_details = false;
  for (std::size_t i = 0; i < reader->size(); ++i) {
    if (i > 0) {
      EXPECT_GE(reader->offset(i), reader->offset(i - 1));
    }
    if (reader->kind(i) == recorded_kind::other) {
      coroscope::console::v1::ServerMessage msg;
      ASSERT_TRUE(msg.ParseFromString(reader->read(i).payload));
      has_details |= msg.has_task_details();
    }
  }
  EXPECT_TRUE(has_details);

  // Every prefix of the recording rebuilds exactly the state the live client had.
  std::lock_guard lock(m);
  std::size_t compared = 0;
  for (std::size_t end = 2; end <= reader->size(); ++end) {
    if (reader->kind(end - 1) == recorded_kind::other) continue;
    const auto replayed = reader->state_until(end);
    ASSERT_TRUE(seen.count(replayed.sequence)) << replayed.sequence;
    const auto& live = *seen.at(replayed.sequence);
    EXPECT_TRUE(same_tasks(replayed, live)) << "sequence " << replayed.sequence;
    EXPECT_TRUE(same_operations(replayed, live)) << "sequence " << replayed.sequence;
    ASSERT_EQ(replayed.resources.size(), 3u) << "sequence " << replayed.sequence;
    EXPECT_EQ(replayed.resources.at(1).timed_operations, replayed.no_task.polls);
    EXPECT_GT(replayed.no_task.polls, 0u);
    EXPECT_EQ(replayed.identity.service_name, "fake-service");
    EXPECT_EQ(replayed.await_sites.size(), live.await_sites.size());
    EXPECT_EQ(replayed.workers.at(0).polls, live.workers.at(0).polls);
    ++compared;
  }
  EXPECT_GE(compared, 10u);

  // Seeking by time.
  EXPECT_EQ(reader->seek(-1ns), 0u);
  EXPECT_EQ(reader->seek(reader->duration()), reader->size());
  const auto mid = reader->offset(reader->size() / 2);
  const auto n = reader->seek(mid);
  EXPECT_GT(n, reader->size() / 2);
  EXPECT_LE(reader->offset(n - 1), mid);
  if (n < reader->size()) {
    EXPECT_GT(reader->offset(n), mid);
  }
  std::filesystem::remove(path);
}

TEST(Recording, RejectsForeignAndDamagedFilesAndIgnoresATruncatedTail) {
  std::string error;
  EXPECT_FALSE(session_reader::open("/nonexistent/dir/x.cscrec", error));
  EXPECT_NE(error.find("cannot open"), std::string::npos);

  const auto path = temp_path("console-foreign");
  { std::ofstream(path) << "{\"not\": \"a recording\"}"; }
  EXPECT_FALSE(session_reader::open(path, error));
  EXPECT_NE(error.find("not a coroscope console recording"), std::string::npos) << error;

  {
    auto rec = coroscope::session_recorder::create(path, error);
    ASSERT_TRUE(rec) << error;
    const auto t0 = std::chrono::system_clock::now();
    EXPECT_TRUE(rec->write(t0, recorded_kind::hello, "one"));
    EXPECT_TRUE(rec->write(t0 + 1s, recorded_kind::delta, "two"));
  }
  {  // A frame cut short, as when the console dies mid-write.
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out.write("\x00\x00\x00\x00\x00\x00\x00\x01\x03\x00\x00\x00\x10" "abc", 16);
  }
  auto reader = session_reader::open(path, error);
  ASSERT_TRUE(reader) << error;
  ASSERT_EQ(reader->size(), 2u);
  EXPECT_EQ(reader->read(1).payload, "two");
  EXPECT_EQ(reader->duration(), 1s);
  EXPECT_EQ(reader->seek(500ms), 1u);

  // A damaged kind byte.
  std::fstream damage(path, std::ios::binary | std::ios::in | std::ios::out);
  damage.seekp(9 + 8);  // header, then the first frame's time: its kind byte
  damage.put('\x7f');
  damage.close();
  EXPECT_FALSE(session_reader::open(path, error));
  EXPECT_NE(error.find("damaged"), std::string::npos) << error;

  // A time past 2^63 ns (found by fuzz_replay: offsets from it overflowed).
  {
    auto rec = coroscope::session_recorder::create(path, error);
    ASSERT_TRUE(rec) << error;
    EXPECT_TRUE(rec->write(std::chrono::system_clock::now(), recorded_kind::hello, "one"));
    EXPECT_TRUE(rec->write(std::chrono::system_clock::now(), recorded_kind::delta, "two"));
  }
  damage.open(path, std::ios::binary | std::ios::in | std::ios::out);
  damage.seekp(9 + 13 + 3);  // header, first frame (13-byte record header, "one"): second time
  damage.put('\xff');
  damage.close();
  EXPECT_FALSE(session_reader::open(path, error));
  EXPECT_NE(error.find("damaged"), std::string::npos) << error;
  std::filesystem::remove(path);
}

}  // namespace
