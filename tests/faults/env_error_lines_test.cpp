// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Hostile environment values (issue 14, item 6): a newline in COROSCOPE_HTTP and five
// other variables wrote a forged `coroscope:` line, and a 10 KB value a 20.5 KB line.
// Every variable whose bad value is reported is tried here with values holding control
// bytes and with 10 KB, through the code that reads it, and each report must be one line
// of bounded length naming the variable. COROSCOPE_HEAP_SAMPLE_BYTES is tried in the heap
// suite (tests/heap/environment_test.cpp), which links the heap sampler.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <coroscope/continuous.hpp>
#include <coroscope/coroscope.hpp>
#include <coroscope/base/env_error_line.hpp>
#include <coroscope/otlp_exporter.hpp>

#include <cstdlib>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "../support/error_line_check.hpp"

namespace {

using coroscope::test::expect_one_error_line;
using coroscope::test::hostile_env_values;

/// What a reader reported, on its error stream, for `variable` set to `value` alone.
using reader = std::function<std::string(const std::string& variable, const std::string& value)>;

// resolve_options takes a plain function pointer: the one variable it sees lives here.
std::pair<std::string, std::string> g_variable;
const char* lookup(const char* name) {
  return name == g_variable.first ? g_variable.second.c_str() : nullptr;
}

std::string probe_options_report(const std::string& variable, const std::string& value) {
  g_variable = {variable, value};
  std::string errors;
  coroscope::resolve_options({}, &lookup, &errors);
  return errors;
}

coroscope::env::reader one_variable(const std::string& variable, const std::string& value) {
  return [variable, value](std::string_view name) -> std::optional<std::string> {
    if (name == variable) return value;
    return std::nullopt;
  };
}

std::string otlp_report(const std::string& variable, const std::string& value) {
  std::ostringstream err;
  coroscope::otlp_exporter_options::from_environment("svc", err, one_variable(variable, value));
  return err.str();
}

std::string continuous_report(const std::string& variable, const std::string& value) {
  std::ostringstream err;
  const coroscope::env::reader env = [&](std::string_view name) -> std::optional<std::string> {
    if (name == variable) return value;
    return std::nullopt;
  };
  coroscope::continuous_options::from_environment("svc", err, env);
  return err.str();
}

/// COROSCOPE_HTTP is read by the probe and reported when its debug server cannot start.
std::string probe_report(const std::string& variable, const std::string& value) {
  ::setenv(variable.c_str(), value.c_str(), 1);
  testing::internal::CaptureStderr();
  {
    boost::asio::io_context io;
    coroscope::probe probe{io, {.service_name = "env-lines"}};
  }
  ::unsetenv(variable.c_str());
  return testing::internal::GetCapturedStderr();
}

const std::map<std::string, reader>& readers() {
  static const std::map<std::string, reader> table = {
      // The six the adversarial run found.
      {"COROSCOPE_HTTP", probe_report},
      {"COROSCOPE_PROFILE_RETENTION", continuous_report},
      {"COROSCOPE_PYROSCOPE_URL", continuous_report},
      {"OTEL_EXPORTER_OTLP_COMPRESSION", otlp_report},
      {"OTEL_EXPORTER_OTLP_TIMEOUT", otlp_report},
      // The rest of the OTLP exporter's.
      {"OTEL_EXPORTER_OTLP_ENDPOINT", otlp_report},
      {"OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", otlp_report},
      {"OTEL_EXPORTER_OTLP_HEADERS", otlp_report},
      {"OTEL_RESOURCE_ATTRIBUTES", otlp_report},
      // probe_options'.
      {"COROSCOPE_SLOW_POLL_MS", probe_options_report},
      {"COROSCOPE_SLOW_AWAIT_MS", probe_options_report},
      {"COROSCOPE_STUCK_MS", probe_options_report},
      {"COROSCOPE_NEVER_YIELDED_MS", probe_options_report},
      {"COROSCOPE_RETAIN_MS", probe_options_report},
      {"COROSCOPE_RETAIN_MAX", probe_options_report},
      {"COROSCOPE_COLLECT_MS", probe_options_report},
      {"COROSCOPE_SAMPLE_HZ", probe_options_report},
      {"COROSCOPE_SAMPLE_CLOCK", probe_options_report},
      {"COROSCOPE_UNWINDER", probe_options_report},
      {"COROSCOPE_MAX_OVERHEAD", probe_options_report},
      {"COROSCOPE_PROFILE_INTERVAL_MS", probe_options_report},
      {"COROSCOPE_CONSOLE", probe_options_report},
  };
  return table;
}

TEST(EnvErrorLines, EveryBadValueIsOneBoundedLineNamingItsVariable) {
  for (const auto& [variable, report] : readers()) {
    for (const std::string& value : hostile_env_values())
      expect_one_error_line(report(variable, value), variable, coroscope::env::kMaxLine);
  }
}

TEST(EnvErrorLines, AGoodValueIsNotReported) {
  // The readers above do read their variable: a good value gives no report.
  EXPECT_EQ(otlp_report("OTEL_EXPORTER_OTLP_TIMEOUT", "2500"), "");
  EXPECT_EQ(continuous_report("COROSCOPE_PROFILE_RETENTION", "36h"), "");
  EXPECT_EQ(probe_options_report("COROSCOPE_SAMPLE_HZ", "199"), "");
  EXPECT_EQ(probe_report("COROSCOPE_HTTP", "127.0.0.1:0").find("coroscope: debug endpoints are off"),
            std::string::npos);
}

TEST(EnvErrorLines, ALongValueIsShownCutWithItsLength) {
  const std::string line = otlp_report("OTEL_EXPORTER_OTLP_COMPRESSION", std::string(10 * 1024, 'z'));
  EXPECT_NE(line.find("\"" + std::string(coroscope::env::kMaxShownValue, 'z') + "\"... (10240 bytes)"),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("is neither gzip nor none; using gzip"), std::string::npos) << line;
}

}  // namespace
