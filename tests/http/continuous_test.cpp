// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/continuous.hpp>
#include <coroscope/pprof.hpp>

#include "fake_pyroscope.hpp"
#include "profile_files.hpp"
#include "temp_dir.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace {

using namespace std::chrono_literals;
using coroscope::continuous_options;
using coroscope::continuous_profiler;
using coroscope::continuous_stats;
using coroscope::test::fake_pyroscope;
using coroscope::test::temp_dir;

/// Collects log lines, and lets a test wait for the profiler's stats to reach a state.
struct observer {
  std::mutex mu;
  std::vector<std::string> lines;
  std::function<void(const std::string&)> log() {
    return [this](const std::string& line) {
      std::lock_guard lock(mu);
      lines.push_back(line);
    };
  }
  std::vector<std::string> logged() {
    std::lock_guard lock(mu);
    return lines;
  }
};

/// Waits (polling the stats, which have no notification) until `done(stats)` holds.
bool wait_until(const continuous_profiler& p, const std::function<bool(const continuous_stats&)>& done,
                std::chrono::seconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done(p.stats())) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done(p.stats());
}

continuous_options fast_options(observer& obs) {
  continuous_options o;
  o.service_name = "svc";
  o.interval = 30ms;
  o.retry_initial_backoff = 10ms;
  o.retry_max_backoff = 40ms;
  o.push_timeout = 5s;
  o.log = obs.log();
  return o;
}

coroscope::cpu_profile profile_fn() { return coroscope::test::small_profile(); }

TEST(continuous, pushes_pprof_to_pyroscope_ingest) {
  fake_pyroscope pyroscope;
  observer obs;
  auto o = fast_options(obs);
  o.pyroscope_url = pyroscope.url() + "/";
  o.pyroscope_labels = {{"env", "test"}, {"region", "eu 1"}};
  o.sample_hz = 99;
  o.push_queue_capacity = 1000;  // a slow machine must not turn into dropped windows here
  continuous_profiler profiler(o, profile_fn);
  ASSERT_TRUE(pyroscope.wait_for_requests(2));
  ASSERT_TRUE(wait_until(profiler, [](auto& s) { return s.pushes_sent >= 2; }));
  profiler.stop();

  for (const auto& r : pyroscope.requests()) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/ingest");
    EXPECT_EQ(r.query.at("name"), "svc{env=test,region=eu 1}");
    EXPECT_EQ(r.query.at("format"), "pprof");
    EXPECT_EQ(r.query.at("spyName"), "coroscope");
    EXPECT_EQ(r.query.at("sampleRate"), "99");
    // The window of small_profile(): start 1.7e9 s, 10 s long.
    EXPECT_EQ(r.query.at("from"), "1700000000");
    EXPECT_EQ(r.query.at("until"), "1700000010");
    EXPECT_EQ(r.content_type, "application/octet-stream");
    auto decoded = coroscope::decode_pprof(r.body);
    EXPECT_EQ(decoded.samples.size(), 2u);
  }
  EXPECT_TRUE(obs.logged().empty());
}

TEST(continuous, url_prefix_is_kept) {
  fake_pyroscope pyroscope;
  observer obs;
  auto o = fast_options(obs);
  o.pyroscope_url = pyroscope.url() + "/pyroscope";
  continuous_profiler profiler(o, profile_fn);
  ASSERT_TRUE(pyroscope.wait_for_requests(1));
  profiler.stop();
  EXPECT_EQ(pyroscope.requests().front().path, "/pyroscope/ingest");
  EXPECT_EQ(pyroscope.requests().front().query.at("name"), "svc{}");
}

TEST(continuous, retries_503_then_succeeds) {
  fake_pyroscope pyroscope;
  pyroscope.script({503, 503});
  observer obs;
  auto o = fast_options(obs);
  o.interval = 40ms;
  o.pyroscope_url = pyroscope.url();
  continuous_profiler profiler(o, profile_fn);
  ASSERT_TRUE(wait_until(profiler, [](auto& s) { return s.pushes_sent >= 1; }));
  profiler.stop();
  const auto stats = profiler.stats();
  EXPECT_GE(stats.push_retries, 2u);
  EXPECT_EQ(stats.pushes_failed, 0u);
  const auto requests = pyroscope.requests();
  ASSERT_GE(requests.size(), 3u);
  // The retried request is the same profile as the first attempt.
  EXPECT_EQ(requests[0].body, requests[2].body);
  EXPECT_EQ(requests[0].query, requests[2].query);
}

TEST(continuous, client_errors_are_not_retried) {
  fake_pyroscope pyroscope;
  pyroscope.script({400, 400, 400, 400, 400, 400, 400, 400});
  observer obs;
  auto o = fast_options(obs);
  o.pyroscope_url = pyroscope.url();
  continuous_profiler profiler(o, profile_fn);
  ASSERT_TRUE(wait_until(profiler, [](auto& s) { return s.pushes_failed >= 2; }));
  profiler.stop();
  EXPECT_EQ(profiler.stats().push_retries, 0u);
  std::size_t failures = 0;
  for (const auto& line : obs.logged()) {
    if (line.find("failed") == std::string::npos) continue;
    ++failures;
    EXPECT_NE(line.find("HTTP 400: scripted failure"), std::string::npos) << line;
  }
  EXPECT_EQ(failures, 1u) << "the same failure is reported once";
}

TEST(continuous, connection_errors_are_retried_then_given_up) {
  // A port that was just free: nothing listens there.
  unsigned short port;
  {
    fake_pyroscope gone;
    port = gone.port();
  }
  observer obs;
  auto o = fast_options(obs);
  o.pyroscope_url = "http://127.0.0.1:" + std::to_string(port);
  o.push_attempts = 3;
  continuous_profiler profiler(o, profile_fn);
  ASSERT_TRUE(wait_until(profiler, [](auto& s) { return s.pushes_failed >= 1; }));
  profiler.stop();
  EXPECT_GE(profiler.stats().push_retries, 2u);
  bool reported = false;
  for (const auto& line : obs.logged()) reported |= line.find("failed after 3 attempts") != std::string::npos;
  EXPECT_TRUE(reported);
}

TEST(continuous, queue_is_bounded_and_drops_the_oldest) {
  fake_pyroscope pyroscope;
  pyroscope.hold();  // the first push hangs, later windows pile up
  observer obs;
  auto o = fast_options(obs);
  o.interval = 10ms;
  o.push_queue_capacity = 2;
  o.pyroscope_url = pyroscope.url();
  continuous_profiler profiler(o, profile_fn);
  ASSERT_TRUE(wait_until(profiler, [](auto& s) { return s.pushes_dropped >= 3; }));
  pyroscope.release();
  ASSERT_TRUE(wait_until(profiler, [](auto& s) { return s.pushes_sent >= 3; }));
  profiler.stop();
  const auto stats = profiler.stats();
  // Every window was sent, dropped, or still queued at stop (then counted as dropped).
  EXPECT_EQ(stats.windows, stats.pushes_sent + stats.pushes_dropped + stats.pushes_failed);
  bool reported = false;
  for (const auto& line : obs.logged()) reported |= line.find("queue full") != std::string::npos;
  EXPECT_TRUE(reported);
}

TEST(continuous, writes_profile_files_that_decode) {
  temp_dir dir;
  observer obs;
  auto o = fast_options(obs);
  o.profile_dir = (dir.path() / "profiles").string();  // created on demand
  continuous_profiler profiler(o, profile_fn);
  ASSERT_TRUE(wait_until(profiler, [](auto& s) { return s.files_written >= 2; }));
  profiler.stop();
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(o.profile_dir)) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(coroscope::detail::is_profile_file_of(name, "svc")) << name;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), {}};
    EXPECT_EQ(coroscope::decode_pprof(bytes).samples.size(), 2u) << name;
    ++files;
  }
  EXPECT_EQ(files, profiler.stats().files_written);
  EXPECT_TRUE(obs.logged().empty());
}

TEST(continuous, retention_removes_old_files_and_leaves_others) {
  temp_dir dir;
  const auto& d = dir.path();
  coroscope::test::make_file_aged(d / "cpu-svc-20200101T000000.000Z.pb.gz", 3h);
  coroscope::test::make_file_aged(d / "cpu-svc-20200101T010000.000Z.pb.gz", 30min);
  coroscope::test::make_file_aged(d / "cpu-other-20200101T000000.000Z.pb.gz", 3h);
  coroscope::test::make_file_aged(d / "README", 3h);
  observer obs;
  auto o = fast_options(obs);
  o.profile_dir = d.string();
  o.retention = 1h;
  continuous_profiler profiler(o, profile_fn);
  ASSERT_TRUE(wait_until(profiler, [](auto& s) { return s.files_written >= 1 && s.files_removed >= 1; }));
  profiler.stop();
  EXPECT_EQ(profiler.stats().files_removed, 1u);
  EXPECT_FALSE(std::filesystem::exists(d / "cpu-svc-20200101T000000.000Z.pb.gz"));
  EXPECT_TRUE(std::filesystem::exists(d / "cpu-svc-20200101T010000.000Z.pb.gz"));
  EXPECT_TRUE(std::filesystem::exists(d / "cpu-other-20200101T000000.000Z.pb.gz"));
  EXPECT_TRUE(std::filesystem::exists(d / "README"));
}

TEST(continuous, services_whose_names_sanitised_alike_keep_each_others_files) {
  temp_dir dir;
  const auto& d = dir.path();
  const auto old = std::chrono::system_clock::now() - 3h;
  const std::string spaced = coroscope::detail::profile_file_name("echo server", old);
  const std::string underscored = coroscope::detail::profile_file_name("echo_server", old);
  for (const std::string& service : {std::string("echo server"), std::string("echo_server")}) {
    coroscope::test::make_file_aged(d / spaced, 3h);
    coroscope::test::make_file_aged(d / underscored, 3h);
    observer obs;
    auto o = fast_options(obs);
    o.service_name = service;
    o.profile_dir = d.string();
    o.retention = 1h;
    continuous_profiler profiler(o, profile_fn);
    ASSERT_TRUE(wait_until(profiler, [](auto& s) { return s.files_written >= 1 && s.files_removed >= 1; }));
    profiler.stop();
    EXPECT_EQ(profiler.stats().files_removed, 1u) << service;
    const bool is_spaced = service == "echo server";
    EXPECT_EQ(std::filesystem::exists(d / spaced), !is_spaced) << service;
    EXPECT_EQ(std::filesystem::exists(d / underscored), is_spaced) << service;
  }
}

TEST(continuous, unwritable_directory_is_reported_once_and_profiling_goes_on) {
  temp_dir dir;
  // A regular file where the directory should be: fails even for root.
  std::ofstream(dir.path() / "not-a-dir") << "x";
  observer obs;
  auto o = fast_options(obs);
  o.profile_dir = (dir.path() / "not-a-dir" / "profiles").string();
  std::atomic<int> taken{0};
  continuous_profiler profiler(o, [&] {
    ++taken;
    return coroscope::test::small_profile();
  });
  ASSERT_TRUE(wait_until(profiler, [](auto& s) { return s.file_errors >= 3; }));
  profiler.stop();
  EXPECT_GE(taken.load(), 3);
  EXPECT_EQ(profiler.stats().files_written, 0u);
  const auto logged = obs.logged();
  std::size_t dir_errors = 0;
  for (const auto& line : logged) {
    if (line.find("COROSCOPE_PROFILE_DIR") == std::string::npos) continue;
    ++dir_errors;
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    EXPECT_NE(line.find("not-a-dir"), std::string::npos) << line;
  }
  EXPECT_EQ(dir_errors, 1u);
}

TEST(continuous, a_throwing_take_profile_is_reported_and_skipped) {
  temp_dir dir;
  observer obs;
  auto o = fast_options(obs);
  o.profile_dir = dir.path().string();
  std::atomic<int> calls{0};
  continuous_profiler profiler(o, [&]() -> coroscope::cpu_profile {
    if (calls++ == 0) throw std::runtime_error("sampler not running");
    return coroscope::test::small_profile();
  });
  ASSERT_TRUE(wait_until(profiler, [](auto& s) { return s.files_written >= 1; }));
  profiler.stop();
  const auto logged = obs.logged();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_NE(logged[0].find("sampler not running"), std::string::npos);
}

TEST(continuous, stop_is_prompt_during_backoff) {
  fake_pyroscope pyroscope;
  pyroscope.script(std::vector<unsigned>(50, 503));
  observer obs;
  auto o = fast_options(obs);
  o.retry_initial_backoff = 60s;
  o.retry_max_backoff = 60s;
  o.pyroscope_url = pyroscope.url();
  continuous_profiler profiler(o, profile_fn);
  ASSERT_TRUE(wait_until(profiler, [](auto& s) { return s.push_retries >= 1; }));
  profiler.stop();  // would take a minute if the backoff wait ignored stop
  EXPECT_EQ(profiler.stats().pushes_sent, 0u);
}

TEST(continuous, disabled_without_url_or_dir) {
  std::atomic<int> calls{0};
  continuous_options o;
  o.interval = 1ms;
  EXPECT_FALSE(o.enabled());
  continuous_profiler profiler(o, [&] {
    ++calls;
    return coroscope::cpu_profile{};
  });
  profiler.stop();
  EXPECT_EQ(calls.load(), 0);
}

TEST(continuous_options, from_environment) {
  std::map<std::string, std::string> vars{{"COROSCOPE_PYROSCOPE_URL", "http://pyroscope:4040"},
                                          {"COROSCOPE_PROFILE_DIR", "/var/tmp/prof"},
                                          {"COROSCOPE_PROFILE_RETENTION", "36h"}};
  auto env = [&](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  std::ostringstream err;
  auto o = continuous_options::from_environment("checkout", err, env);
  EXPECT_EQ(o.service_name, "checkout");
  EXPECT_EQ(o.pyroscope_url, "http://pyroscope:4040");
  EXPECT_EQ(o.profile_dir, "/var/tmp/prof");
  EXPECT_EQ(o.retention, 36h);
  EXPECT_TRUE(err.str().empty()) << err.str();

  vars["COROSCOPE_PROFILE_RETENTION"] = "a week";
  vars["COROSCOPE_PYROSCOPE_URL"] = "https://pyroscope:4040";
  o = continuous_options::from_environment("checkout", err, env);
  EXPECT_EQ(o.retention, 7 * 24h) << "a bad value keeps the default";
  EXPECT_TRUE(o.pyroscope_url.empty());
  const std::string text = err.str();
  EXPECT_NE(text.find("COROSCOPE_PROFILE_RETENTION=\"a week\""), std::string::npos) << text;
  EXPECT_NE(text.find("COROSCOPE_PYROSCOPE_URL"), std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << "one line per bad variable:\n" << text;
}

}  // namespace
