// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// A probe in a program linked with coroscope::heap, sampling every allocation, serves its
// heap to a console: a task's planted leak is the top live site, with its function and
// task, and once the task has completed it is a leak suspect that outlived its task. When
// the probe ends, its heap service writes COROSCOPE_HEAP_PROFILE.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "coroscope/console_client.hpp"
#include "coroscope/console_server.hpp"
#include "coroscope/coroscope.hpp"
#include "coroscope/heap.hpp"
#include "coroscope/heap_pprof.hpp"

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr std::size_t kLeakBytes = 48u << 20;  // larger than anything else the test keeps
char* volatile g_leaked = nullptr;

[[gnu::noinline]] void leak_known_buffer() { g_leaked = new char[kLeakBytes]; }

bool mentions(const std::vector<coroscope::heap_frame>& stack, const std::string& function) {
  return !stack.empty() && stack.front().function.find(function) != std::string::npos;
}

std::string describe(const coroscope::heap_view& v) {
  std::string out;
  for (const auto& s : v.sites)
    out += std::to_string(s.inuse_bytes) + " " + (s.stack.empty() ? "?" : s.stack.front().function) +
           " [" + s.task + "]\n";
  for (const auto& s : v.leak_suspects) out += "suspect: " + s.message + "\n";
  return out;
}

TEST(HeapConsoleProbe, PlantedLeakIsTheTopSiteAndAnOutlivedSuspect) {
  const std::string profile_path = "/tmp/coroscope-console-heap-" + std::to_string(getpid()) + ".pb.gz";
  // The probe starts heap sampling when COROSCOPE_HEAP_PROFILE is set (and writes it at the end).
  ::setenv("COROSCOPE_HEAP_PROFILE", profile_path.c_str(), 1);
  ::setenv("COROSCOPE_HEAP_SAMPLE_BYTES", "1", 1);
  {
    asio::io_context io;
    coroscope::probe probe{io, {.service_name = "console-heap"}};
    asio::co_spawn(probe.executor("leaker"), []() -> asio::awaitable<void> {
      leak_known_buffer();
      co_return;
    }, asio::detached);
    probe.run(1);  // returns once the task has completed: its buffer outlives it

    coroscope::console_server server(coroscope::make_console_source(probe),
                                     {.port = 0, .publish_interval = 50ms, .heap_interval = 50ms});
    coroscope::console_client client({.port = server.port()});
    client.start();

    const bool seen = client.wait_for(
        [](const coroscope::console_state& s) {
          if (!s.heap || s.heap->sites.empty()) return false;
          for (const auto& suspect : s.heap->leak_suspects)
            if ((suspect.kinds & coroscope::heap_leak_outlived_task) && mentions(suspect.stack, "leak_known_buffer"))
              return true;
          return false;
        },
        std::chrono::seconds(30));
    const auto state = client.state();
    ASSERT_TRUE(state->heap.has_value()) << "no heap view: heap sampling did not start";
    ASSERT_TRUE(seen) << describe(*state->heap);

    const auto& top = state->heap->sites.front();
    EXPECT_TRUE(mentions(top.stack, "leak_known_buffer")) << describe(*state->heap);
    EXPECT_EQ(top.task, "leaker");
    EXPECT_EQ(top.inuse_bytes, kLeakBytes);  // sampling every allocation: exact
    EXPECT_EQ(top.inuse_objects, 1u);
    EXPECT_EQ(state->heap->sample_interval_bytes, 1u);
    EXPECT_GE(state->heap->inuse_bytes, kLeakBytes);
    EXPECT_GT(state->heap->process_rss_bytes, 0u);

    // The console's own memory (e.g. its history of profiles) is not the program's: the
    // sampler never saw it, so no live sample anywhere was allocated by the view builder.
    for (const auto& sample : coroscope::heap::profile().samples) {
      if (sample.inuse_space == 0) continue;
      for (const auto& f : sample.stack)
        EXPECT_EQ(f.function.find("heap_view_builder::next"), std::string::npos)
            << sample.inuse_space << " bytes live from " << f.function;
    }

    for (const auto& suspect : state->heap->leak_suspects) {
      if (!mentions(suspect.stack, "leak_known_buffer")) continue;
      EXPECT_EQ(suspect.task, "leaker");
      EXPECT_NE(suspect.spawn_site.find("heap_probe_test.cpp"), std::string::npos) << suspect.spawn_site;
      EXPECT_EQ(suspect.inuse_bytes, kLeakBytes);
      EXPECT_FALSE(suspect.message.empty());
    }

    client.stop();
    server.stop();
  }
  // The probe has ended: the file holds the leak, labelled with its task.
  std::ifstream file(profile_path, std::ios::binary);
  ASSERT_TRUE(file) << profile_path << " was not written";
  std::ostringstream bytes;
  bytes << file.rdbuf();
  std::int64_t leaked_by_task = 0;
  for (const auto& sample : coroscope::decode_heap_pprof(bytes.str()).samples)
    if (!sample.stack.empty() &&
        sample.stack.front().function.find("leak_known_buffer") != std::string::npos &&
        sample.labels.count("task") &&
        sample.labels.at("task") == "leaker")
      leaked_by_task += sample.inuse_space;
  EXPECT_EQ(leaked_by_task, static_cast<std::int64_t>(kLeakBytes));
  delete[] g_leaked;
  ::unsetenv("COROSCOPE_HEAP_PROFILE");
  ::unsetenv("COROSCOPE_HEAP_SAMPLE_BYTES");
  std::remove(profile_path.c_str());
}

}  // namespace
