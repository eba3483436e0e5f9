// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// COROSCOPE_FLIGHT_RECORDER, COROSCOPE_TRACE_DIR, COROSCOPE_TRACE_ON_SIGUSR2.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "coroscope/probe_options.hpp"
#include "error_line_check.hpp"

#include <coroscope/base/env_error_line.hpp>

using namespace std::chrono_literals;

namespace {

std::map<std::string, std::string>& fake_environment() {
  static std::map<std::string, std::string> environment;
  return environment;
}

const char* fake_lookup(const char* name) {
  const auto it = fake_environment().find(name);
  return it == fake_environment().end() ? nullptr : it->second.c_str();
}

struct resolved {
  coroscope::resolved_options options;
  std::string errors;
};

resolved resolve(std::map<std::string, std::string> environment,
                 const coroscope::probe_options& explicit_options = {}) {
  fake_environment() = std::move(environment);
  resolved r;
  r.options = coroscope::resolve_options(explicit_options, &fake_lookup, &r.errors);
  return r;
}

}  // namespace

TEST(RecorderOptions, OffByDefaultAndTimingUntouched) {
  const resolved r = resolve({});
  EXPECT_EQ(r.options.flight_recorder_bytes, 0u);
  EXPECT_EQ(r.options.timing_interval, 0u);
  EXPECT_TRUE(r.options.trace_dir.empty());
  EXPECT_FALSE(r.options.trace_on_sigusr2);
  EXPECT_EQ(r.errors, "");
}

TEST(RecorderOptions, TimeSizeAndBoth) {
  resolved r = resolve({{"COROSCOPE_FLIGHT_RECORDER", "30s"}});
  EXPECT_EQ(r.options.flight_recorder_window, 30s);
  EXPECT_EQ(r.options.flight_recorder_bytes, std::size_t{64} << 20);  // the default bound
  EXPECT_EQ(r.options.timing_interval, 1u);  // every poll timed
  r = resolve({{"COROSCOPE_FLIGHT_RECORDER", "8MiB"}});
  EXPECT_EQ(r.options.flight_recorder_window, 0s);
  EXPECT_EQ(r.options.flight_recorder_bytes, std::size_t{8} << 20);
  r = resolve({{"COROSCOPE_FLIGHT_RECORDER", " 500ms , 512KiB "}});
  EXPECT_EQ(r.options.flight_recorder_window, 500ms);
  EXPECT_EQ(r.options.flight_recorder_bytes, std::size_t{512} << 10);
  r = resolve({{"COROSCOPE_FLIGHT_RECORDER", "2m,1GiB"}});
  EXPECT_EQ(r.options.flight_recorder_window, 2min);
  EXPECT_EQ(r.options.flight_recorder_bytes, std::size_t{1} << 30);
  r = resolve({{"COROSCOPE_FLIGHT_RECORDER", "off"}});
  EXPECT_EQ(r.options.flight_recorder_bytes, 0u);
  EXPECT_EQ(r.errors, "");
}

TEST(RecorderOptions, ExplicitBeatsEnvironment) {
  const resolved r = resolve({{"COROSCOPE_FLIGHT_RECORDER", "30s"}, {"COROSCOPE_TRACE_DIR", "/env"}},
                             {.flight_recorder = "5s,1MiB", .trace_dir = "/explicit",
                              .trace_on_sigusr2 = true});
  EXPECT_EQ(r.options.flight_recorder_window, 5s);
  EXPECT_EQ(r.options.flight_recorder_bytes, std::size_t{1} << 20);
  EXPECT_EQ(r.options.trace_dir, "/explicit");
  EXPECT_TRUE(r.options.trace_on_sigusr2);
}

TEST(RecorderOptions, EachBadValueIsOneLineAndTheRecorderOff) {
  for (const std::string bad : {"30", "30x", "s", "-5s", "30s,40s", "1MiB,2MiB", "1KiB", "99GiB",
                                "0ms", "25h", "30s;64MiB", "MiB", "3.5s"}) {
    const resolved r = resolve({{"COROSCOPE_FLIGHT_RECORDER", bad}});
    SCOPED_TRACE(bad);
    EXPECT_EQ(r.options.flight_recorder_bytes, 0u);
    EXPECT_EQ(r.options.timing_interval, 0u);
    coroscope::test::expect_one_error_line(r.errors, "COROSCOPE_FLIGHT_RECORDER",
                                           coroscope::env::kMaxLine);
    EXPECT_NE(r.errors.find("flight recorder is off"), std::string::npos) << r.errors;
  }
  for (const std::string& hostile : coroscope::test::hostile_env_values()) {
    const resolved r = resolve({{"COROSCOPE_FLIGHT_RECORDER", hostile}});
    coroscope::test::expect_one_error_line(r.errors, "COROSCOPE_FLIGHT_RECORDER",
                                           coroscope::env::kMaxLine);
  }
  const resolved explicit_bad = resolve({}, {.flight_recorder = "soon"});
  EXPECT_EQ(explicit_bad.options.flight_recorder_bytes, 0u);
  coroscope::test::expect_one_error_line(explicit_bad.errors, "flight_recorder",
                                         coroscope::env::kMaxLine);
}

TEST(RecorderOptions, Sigusr2Flag) {
  EXPECT_TRUE(resolve({{"COROSCOPE_TRACE_ON_SIGUSR2", "1"}}).options.trace_on_sigusr2);
  EXPECT_FALSE(resolve({{"COROSCOPE_TRACE_ON_SIGUSR2", "0"}}).options.trace_on_sigusr2);
  const resolved bad = resolve({{"COROSCOPE_TRACE_ON_SIGUSR2", "yes please"}});
  EXPECT_FALSE(bad.options.trace_on_sigusr2);
  coroscope::test::expect_one_error_line(bad.errors, "COROSCOPE_TRACE_ON_SIGUSR2",
                                         coroscope::env::kMaxLine);
}
