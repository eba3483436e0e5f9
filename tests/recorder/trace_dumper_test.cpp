// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Automatic traces (agent/src/trace_dumper): one file per lint kind, rate-limited, the
// directory bounded. Driven with explicit times, so no test waits for a minute.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <source_location>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "co_test.hpp"
#include "eventually.hpp"
#include "coroscope/coroscope.hpp"
#include "coroscope/core/recording.hpp"
#include "temp_dir.hpp"
#include "trace_dumper.hpp"
#include "trace_view.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

/// Two polls longer than the 1 ms threshold: two `long-poll` firings.
asio::awaitable<void> two_slow_polls() {
  coroscope::test::burn_cpu(3ms);
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  coroscope::test::burn_cpu(3ms);
}

struct recorded {
  asio::io_context io;
  std::unique_ptr<coroscope::core::recording> recording = coroscope::core::start_recording(
      io, {.slow_poll_threshold = 1ms, .flight_recorder = "30s", .read_environment = false});

  void run_slow_task() {
    asio::co_spawn(recording->executor("slow", std::source_location::current()), two_slow_polls(),
                   asio::detached);
    io.restart();
    recording->run(1);
  }
};

std::set<std::string> traces_in(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".perfetto-trace") names.insert(e.path().filename().string());
  return names;
}

}  // namespace

TEST(TraceDumper, FileName) {
  const auto when = std::chrono::sys_days{std::chrono::year{2026} / 12 / 5} + 10h + 15min + 2s + 42ms;
  EXPECT_EQ(coroscope::agent::trace_file_name("long-poll", when),
            "long-poll-20261205T101502.042Z.perfetto-trace");
  EXPECT_TRUE(coroscope::agent::is_trace_file_name(coroscope::agent::trace_file_name("console", when)));
  for (const char* other : {"mine.perfetto-trace", "-20261205T101502.042Z.perfetto-trace",
                            "a-20261205T101502.04Z.perfetto-trace", "a-20261205T101502.042Z.pb.gz"})
    EXPECT_FALSE(coroscope::agent::is_trace_file_name(other)) << other;
}

TEST(TraceDumper, OneFilePerLintKindAndRateLimited) {
  recorded r;
  coroscope::test::temp_dir dir;
  coroscope::agent::trace_dumper dumper(*r.recording, {.dir = dir.path().string()});
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(dumper.poll(t0).empty()) << "no lint yet";

  r.run_slow_task();  // two long-poll firings: one trace
  const auto first = dumper.poll(t0);
  ASSERT_EQ(first.size(), 1u);
  const std::string name = std::filesystem::path(first[0]).filename().string();
  EXPECT_TRUE(name.starts_with("long-poll-2")) << name;
  EXPECT_TRUE(name.ends_with(".perfetto-trace")) << name;
  std::ifstream in(first[0], std::ios::binary);
  coroscope::test::trace_view view(std::string(std::istreambuf_iterator<char>(in), {}));
  std::size_t lint_instants = 0;
  for (const auto& [uuid, slices] : view.slices)
    for (const auto& slice : slices) lint_instants += slice.instant && slice.name == "long-poll";
  EXPECT_EQ(lint_instants, 2u);

  r.run_slow_task();  // fires again within the minute: no file
  EXPECT_TRUE(dumper.poll(t0 + 10s).empty());
  EXPECT_TRUE(dumper.poll(t0 + 70s).empty()) << "nothing fired since";
  r.run_slow_task();  // a minute later: a file again
  EXPECT_EQ(dumper.poll(t0 + 70s).size(), 1u);
  EXPECT_EQ(traces_in(dir.path()).size(), 2u);
}

TEST(TraceDumper, RequestedTraceAndBoundedDirectory) {
  recorded r;
  coroscope::test::temp_dir dir;
  // Three older traces, a trace another program wrote and a file that is not a trace.
  for (int i = 0; i < 3; ++i) {
    const auto path = dir.path() / ("old-2026010" + std::to_string(i + 1) + "T000000.000Z.perfetto-trace");
    std::ofstream(path) << "x";
    std::filesystem::last_write_time(path, std::filesystem::file_time_type::clock::now() -
                                               std::chrono::hours(3 - i));
  }
  std::ofstream(dir.path() / "notes.txt") << "keep me";
  std::ofstream(dir.path() / "mine.perfetto-trace") << "not coroscope's";
  coroscope::agent::trace_dumper dumper(*r.recording,
                                        {.dir = dir.path().string(), .keep_files = 2});
  const auto written = dumper.poll(std::chrono::steady_clock::now(), true);
  ASSERT_EQ(written.size(), 1u);
  const std::string name = std::filesystem::path(written[0]).filename().string();
  EXPECT_TRUE(name.starts_with("sigusr2-")) << name;
  EXPECT_EQ(traces_in(dir.path()),
            (std::set<std::string>{"old-20260103T000000.000Z.perfetto-trace", name, "mine.perfetto-trace"}));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "notes.txt"));
}

TEST(TraceDumper, PrivateTraceDirIsThisUsersAndNoOneElses) {
  coroscope::test::temp_dir tmp;
  const std::filesystem::path expected = tmp.path() / ("coroscope-traces-" + std::to_string(getuid()));
  EXPECT_EQ(coroscope::agent::private_trace_dir(tmp.path()), expected.string());
  struct stat st {};
  ASSERT_EQ(lstat(expected.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(coroscope::agent::private_trace_dir(tmp.path()), expected.string()) << "made once, then reused";
  // Opened up to others, or a symlink planted in its place: refused, nothing written there.
  std::filesystem::permissions(expected, std::filesystem::perms::others_read | std::filesystem::perms::others_exec,
                               std::filesystem::perm_options::add);
  EXPECT_THROW(coroscope::agent::private_trace_dir(tmp.path()), std::runtime_error);
  std::filesystem::remove(expected);
  std::filesystem::create_directory_symlink(tmp.path(), expected);
  EXPECT_THROW(coroscope::agent::private_trace_dir(tmp.path()), std::runtime_error);
}

TEST(TraceDirService, Sigusr2WritesATraceWhenAskedFor) {
  coroscope::test::temp_dir dir;
  asio::io_context io;
  {
    coroscope::probe probe{io, {.flight_recorder = "30s",
                                .trace_dir = dir.path().string(),
                                .trace_on_sigusr2 = true,
                                .read_environment = false}};
    asio::co_spawn(probe.executor("slow"), two_slow_polls(), asio::detached);
    probe.run(1);
    // The service's handler is in place (the default action would end the test binary).
    struct sigaction now {};
    ASSERT_EQ(sigaction(SIGUSR2, nullptr, &now), 0);
    ASSERT_NE(now.sa_handler, SIG_DFL);
    ASSERT_EQ(raise(SIGUSR2), 0);
    ASSERT_TRUE(coroscope::test::eventually([&] {
      for (const std::string& name : traces_in(dir.path()))
        if (name.starts_with("sigusr2-")) return true;
      return false;
    })) << "no sigusr2-*.perfetto-trace in " << dir.path();
  }
  // The probe has gone: SIGUSR2's disposition is what it was before.
  struct sigaction after {};
  ASSERT_EQ(sigaction(SIGUSR2, nullptr, &after), 0);
  EXPECT_EQ(after.sa_handler, SIG_DFL);
}
