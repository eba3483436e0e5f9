// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/probe_options.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using coroscope::probe_options;
using coroscope::resolved_options;
using env_map = std::map<std::string, std::string>;

namespace {

/// The fake environment `fake_lookup` reads; `resolve` sets it.
env_map& fake_environment() {
  static env_map environment;
  return environment;
}

const char* fake_lookup(const char* name) {
  const auto it = fake_environment().find(name);
  return it == fake_environment().end() ? nullptr : it->second.c_str();
}

struct resolve_result {
  resolved_options options;
  std::string errors;  ///< the reported lines
};

resolve_result resolve(env_map environment, const probe_options& explicit_options = {}) {
  fake_environment() = std::move(environment);
  resolve_result result;
  result.options = coroscope::resolve_options(explicit_options, &fake_lookup, &result.errors);
  return result;
}

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

/// A numeric variable: how to read its resolved value, and its default.
struct numeric_variable {
  const char* name;
  std::function<std::int64_t(const resolved_options&)> value;
  std::int64_t default_value;
  const char* default_text;  ///< as the report says it
  std::vector<std::string> bad_values;
  std::vector<std::pair<std::string, std::int64_t>> good_values;
};

std::int64_t ns(std::chrono::nanoseconds d) { return d.count(); }

std::vector<numeric_variable> numeric_variables() {
  const std::vector<std::string> bad_ms = {"0", "86400001"};
  const std::vector<std::pair<std::string, std::int64_t>> good_ms = {
      {"1", ns(1ms)}, {"250", ns(250ms)}, {" 42 ", ns(42ms)}, {"86400000", ns(24h)}};
  return {
      {"COROSCOPE_SLOW_POLL_MS", [](auto& o) { return ns(o.slow_poll_threshold); }, ns(10ms),
       "using the default 10 ms", bad_ms, good_ms},
      {"COROSCOPE_SLOW_AWAIT_MS", [](auto& o) { return ns(o.slow_await_threshold); },
       ns(100ms), "using the default 100 ms", bad_ms, good_ms},
      {"COROSCOPE_STUCK_MS", [](auto& o) { return ns(o.stuck_threshold); }, ns(60s),
       "using the default 60000 ms", bad_ms, good_ms},
      {"COROSCOPE_NEVER_YIELDED_MS", [](auto& o) { return ns(o.never_yielded_threshold); },
       ns(1s), "using the default 1000 ms", bad_ms, good_ms},
      {"COROSCOPE_RETAIN_MS", [](auto& o) { return ns(o.retain_completed_for); }, ns(6s),
       "using the default 6000 ms", bad_ms, good_ms},
      {"COROSCOPE_COLLECT_MS", [](auto& o) { return ns(o.collect_interval); }, ns(10ms),
       "using the default 10 ms", bad_ms, good_ms},
      {"COROSCOPE_RETAIN_MAX",
       [](auto& o) { return static_cast<std::int64_t>(o.retain_completed_max); }, 4096,
       "using the default 4096", {"10000001"}, {{"0", 0}, {"10000000", 10'000'000}}},
      {"COROSCOPE_SAMPLE_HZ", [](auto& o) { return static_cast<std::int64_t>(o.sample_hz); },
       99, "using the default 99", {"0", "10001"}, {{"1", 1}, {"10000", 10'000}}},
  };
}

}  // namespace

TEST(resolve_options, defaults_without_environment) {
  const auto [options, errors] = resolve({});
  EXPECT_EQ(errors, "");
  EXPECT_EQ(options.slow_poll_threshold, 10ms);
  EXPECT_EQ(options.slow_await_threshold, 100ms);
  EXPECT_EQ(options.stuck_threshold, 60s);
  EXPECT_EQ(options.never_yielded_threshold, 1s);
  EXPECT_EQ(options.retain_completed_for, 6s);
  EXPECT_EQ(options.retain_completed_max, 4096u);
  EXPECT_EQ(options.collect_interval, 10ms);
  EXPECT_EQ(options.sample_hz, 99u);
  EXPECT_EQ(options.cpu_profile_path, "");
  EXPECT_EQ(options.console_address, "");
  EXPECT_EQ(options.console_token, "");
  EXPECT_EQ(options.otlp_profiles_endpoint, "");
  EXPECT_TRUE(options.otlp_headers.empty());
  EXPECT_TRUE(options.resource_attributes.empty());
  EXPECT_FALSE(options.service_name.empty());
}

TEST(resolve_options, environment_beats_default) {
  for (const auto& variable : numeric_variables()) {
    for (const auto& [text, expected] : variable.good_values) {
      const auto [options, errors] = resolve({{variable.name, text}});
      EXPECT_EQ(errors, "") << variable.name << '=' << text;
      EXPECT_EQ(variable.value(options), expected) << variable.name << '=' << text;
    }
  }
}

TEST(resolve_options, explicit_beats_environment) {
  const env_map environment = {
      {"COROSCOPE_SLOW_POLL_MS", "1"},      {"COROSCOPE_SAMPLE_HZ", "1"},
      {"COROSCOPE_RETAIN_MAX", "1"},        {"COROSCOPE_CONSOLE", ":1"},
      {"COROSCOPE_CPU_PROFILE", "/tmp/env"}, {"OTEL_SERVICE_NAME", "from-env"},
      {"OTEL_EXPORTER_OTLP_HEADERS", "a=b"}, {"OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", "http://e"},
  };
  probe_options explicit_options;
  explicit_options.service_name = "explicit";
  explicit_options.slow_poll_threshold = 7ms;
  explicit_options.retain_completed_max = 12;
  explicit_options.sample_hz = 500;
  explicit_options.cpu_profile_path = "";
  explicit_options.console_address = "0.0.0.0:9";
  explicit_options.otlp_profiles_endpoint = "http://x";
  explicit_options.otlp_headers = env_map{};
  const auto [options, errors] = resolve(environment, explicit_options);
  EXPECT_EQ(errors, "");
  EXPECT_EQ(options.service_name, "explicit");
  EXPECT_EQ(options.slow_poll_threshold, 7ms);
  EXPECT_EQ(options.retain_completed_max, 12u);
  EXPECT_EQ(options.sample_hz, 500u);
  EXPECT_EQ(options.cpu_profile_path, "");  // explicitly off
  EXPECT_EQ(options.console_address, "0.0.0.0:9");
  EXPECT_EQ(options.otlp_profiles_endpoint, "http://x");
  EXPECT_TRUE(options.otlp_headers.empty());
}

TEST(resolve_options, explicit_value_hides_a_bad_environment_value) {
  probe_options explicit_options;
  explicit_options.sample_hz = 7;
  const auto [options, errors] = resolve({{"COROSCOPE_SAMPLE_HZ", "abc"}}, explicit_options);
  EXPECT_EQ(errors, "");
  EXPECT_EQ(options.sample_hz, 7u);
}

TEST(resolve_options, each_bad_number_gives_one_line_and_the_default) {
  const std::vector<std::string> bad_for_all = {"abc", "-5", "1.5", "12ms", "+3", "0x10",
                                                "99999999999999999999999"};
  for (const auto& variable : numeric_variables()) {
    std::vector<std::string> bad_values = bad_for_all;
    bad_values.insert(bad_values.end(), variable.bad_values.begin(), variable.bad_values.end());
    for (const auto& text : bad_values) {
      SCOPED_TRACE(std::string(variable.name) + '=' + text);
      const auto [options, errors] = resolve({{variable.name, text}});
      EXPECT_EQ(line_count(errors), 1u) << errors;
      EXPECT_TRUE(errors.starts_with("coroscope: " + std::string(variable.name) + "=\"" + text +
                                     "\" is not a valid "))
          << errors;
      EXPECT_TRUE(errors.ends_with(std::string(variable.default_text) + "\n")) << errors;
      EXPECT_EQ(variable.value(options), variable.default_value);
    }
  }
}

TEST(resolve_options, sample_hz_report_matches_the_documented_form) {
  const auto [options, errors] = resolve({{"COROSCOPE_SAMPLE_HZ", "abc"}});
  EXPECT_EQ(errors,
            "coroscope: COROSCOPE_SAMPLE_HZ=\"abc\" is not a valid sample rate in Hz (an integer "
            "in 1..10000); using the default 99\n");
}

TEST(resolve_options, several_bad_values_give_one_line_each) {
  const auto [options, errors] = resolve({{"COROSCOPE_SAMPLE_HZ", "x"},
                                          {"COROSCOPE_STUCK_MS", "y"},
                                          {"COROSCOPE_CONSOLE", "z"},
                                          {"COROSCOPE_COLLECT_MS", "5"}});
  EXPECT_EQ(line_count(errors), 3u) << errors;
  EXPECT_TRUE(contains(errors, "COROSCOPE_SAMPLE_HZ"));
  EXPECT_TRUE(contains(errors, "COROSCOPE_STUCK_MS"));
  EXPECT_TRUE(contains(errors, "COROSCOPE_CONSOLE"));
  EXPECT_EQ(options.collect_interval, 5ms);
}

TEST(resolve_options, report_stays_on_one_line) {
  const auto [options, errors] = resolve({{"COROSCOPE_SAMPLE_HZ", "1\n2\"3"}});
  EXPECT_EQ(line_count(errors), 1u) << errors;
  EXPECT_TRUE(contains(errors, R"("1\x0a2\x223")")) << errors;
}

TEST(resolve_options, blank_variable_counts_as_unset) {
  const auto [options, errors] = resolve({{"COROSCOPE_SAMPLE_HZ", ""},
                                          {"COROSCOPE_STUCK_MS", "   "},
                                          {"COROSCOPE_CONSOLE", ""}});
  EXPECT_EQ(errors, "");
  EXPECT_EQ(options.sample_hz, 99u);
  EXPECT_EQ(options.stuck_threshold, 60s);
  EXPECT_EQ(options.console_address, "");
}

TEST(resolve_options, read_environment_false_ignores_it) {
  probe_options explicit_options;
  explicit_options.read_environment = false;
  const auto [options, errors] = resolve({{"COROSCOPE_SAMPLE_HZ", "abc"},
                                          {"COROSCOPE_SLOW_POLL_MS", "5"},
                                          {"OTEL_SERVICE_NAME", "from-env"}},
                                         explicit_options);
  EXPECT_EQ(errors, "");
  EXPECT_EQ(options.sample_hz, 99u);
  EXPECT_EQ(options.slow_poll_threshold, 10ms);
  EXPECT_NE(options.service_name, "from-env");
}

TEST(resolve_options, null_lookup_reads_the_process_environment) {
  ASSERT_EQ(::setenv("COROSCOPE_SAMPLE_HZ", "250", 1), 0);
  std::string errors;
  const auto options = coroscope::resolve_options({}, nullptr, &errors);
  ::unsetenv("COROSCOPE_SAMPLE_HZ");
  EXPECT_EQ(options.sample_hz, 250u);
}

TEST(resolve_options, null_errors_writes_to_stderr) {
  fake_environment() = {{"COROSCOPE_RETAIN_MAX", "lots"}};
  testing::internal::CaptureStderr();
  const auto options = coroscope::resolve_options({}, &fake_lookup, nullptr);
  const std::string written = testing::internal::GetCapturedStderr();
  EXPECT_EQ(options.retain_completed_max, 4096u);
  EXPECT_EQ(line_count(written), 1u);
  EXPECT_TRUE(contains(written, "COROSCOPE_RETAIN_MAX=\"lots\"")) << written;
}

TEST(resolve_options, string_variables_are_taken_as_is) {
  const auto [options, errors] = resolve({{"COROSCOPE_CPU_PROFILE", "/tmp/cpu.pb.gz"},
                                          {"COROSCOPE_CONSOLE_TOKEN", "s3cret"}});
  EXPECT_EQ(errors, "");
  EXPECT_EQ(options.cpu_profile_path, "/tmp/cpu.pb.gz");
  EXPECT_EQ(options.console_token, "s3cret");
}

TEST(resolve_options, console_address_is_normalized) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"localhost:6669", "localhost:6669"}, {"0.0.0.0:80", "0.0.0.0:80"},
      {":6669", "127.0.0.1:6669"},         {"6669", "127.0.0.1:6669"},
      {"[::1]:6669", "[::1]:6669"},         {"[fe80::1%eth0]:1", "[fe80::1%eth0]:1"},
      {" my-host.local:065535 ", "my-host.local:65535"},
      {"host:0", "host:0"},                 {"0", "127.0.0.1:0"},  // 0: any free port
  };
  for (const auto& [text, expected] : cases) {
    const auto [options, errors] = resolve({{"COROSCOPE_CONSOLE", text}});
    EXPECT_EQ(errors, "") << text;
    EXPECT_EQ(options.console_address, expected) << text;
  }
}

TEST(resolve_options, bad_console_address_is_reported_and_off) {
  for (const std::string text : {"localhost", "host:65536", "host:", "host:abc", "::1:6669", "::1",
                                 "[::1]", "[::1]6669", "[]:80", "ho st:80", "http://host:80",
                                 "-1"}) {
    const auto [options, errors] = resolve({{"COROSCOPE_CONSOLE", text}});
    EXPECT_EQ(line_count(errors), 1u) << text;
    EXPECT_TRUE(errors.starts_with("coroscope: COROSCOPE_CONSOLE=\"")) << errors;
    EXPECT_TRUE(contains(errors, "not a valid host:port")) << errors;
    EXPECT_EQ(options.console_address, "") << text;
  }
}

TEST(resolve_options, profiles_endpoint_is_used_as_is) {
  const auto [options, errors] = resolve(
      {{"OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", "https://collector:4318/custom/path/"},
       {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://other:4318"}});
  EXPECT_EQ(errors, "");
  EXPECT_EQ(options.otlp_profiles_endpoint, "https://collector:4318/custom/path/");
}

TEST(resolve_options, generic_endpoint_gets_the_profiles_path) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"http://collector:4318", "http://collector:4318/v1development/profiles"},
      {"http://collector:4318/", "http://collector:4318/v1development/profiles"},
      {"HTTPS://collector/otlp//", "HTTPS://collector/otlp/v1development/profiles"},
  };
  for (const auto& [base, expected] : cases) {
    const auto [options, errors] = resolve({{"OTEL_EXPORTER_OTLP_ENDPOINT", base}});
    EXPECT_EQ(errors, "") << base;
    EXPECT_EQ(options.otlp_profiles_endpoint, expected) << base;
  }
}

TEST(resolve_options, bad_endpoint_is_reported_and_skipped) {
  {
    const auto [options, errors] =
        resolve({{"OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", "collector:4318"},
                 {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://fallback:4318"}});
    EXPECT_EQ(line_count(errors), 1u);
    EXPECT_TRUE(contains(errors, "OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT=\"collector:4318\""));
    EXPECT_EQ(options.otlp_profiles_endpoint, "http://fallback:4318/v1development/profiles");
  }
  {
    const auto [options, errors] = resolve({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://"}});
    EXPECT_EQ(line_count(errors), 1u);
    EXPECT_TRUE(contains(errors, "OTEL_EXPORTER_OTLP_ENDPOINT=\"http://\" is not an http://"));
    EXPECT_EQ(options.otlp_profiles_endpoint, "");
  }
}

TEST(resolve_options, headers_are_parsed_and_percent_decoded) {
  const auto [options, errors] = resolve(
      {{"OTEL_EXPORTER_OTLP_HEADERS",
        "api-key=secret,  x-tenant = a%20b , k%3Dx=v%2Cw,empty=,,dup=1,dup=2,"}});
  EXPECT_EQ(errors, "");
  const env_map expected = {{"api-key", "secret"}, {"x-tenant", "a b"}, {"k=x", "v,w"},
                            {"empty", ""},         {"dup", "2"}};
  EXPECT_EQ(options.otlp_headers, expected);
}

TEST(resolve_options, malformed_entries_are_reported_and_the_rest_kept) {
  const auto [options, errors] = resolve(
      {{"OTEL_RESOURCE_ATTRIBUTES", "a=1,no-equals,=no-key,bad=%zz,short=%4,b=2"}});
  EXPECT_EQ(line_count(errors), 4u) << errors;
  for (const std::string_view entry : {"\"no-equals\" is not key=value", "\"=no-key\" has an empty key",
                                       "\"bad=%zz\" has a bad percent escape",
                                       "\"short=%4\" has a bad percent escape"}) {
    EXPECT_TRUE(contains(errors, "coroscope: OTEL_RESOURCE_ATTRIBUTES entry " +
                                     std::string(entry) + "; skipping it"))
        << entry << '\n'
        << errors;
  }
  const env_map expected = {{"a", "1"}, {"b", "2"}};
  EXPECT_EQ(options.resource_attributes, expected);
}

TEST(resolve_options, service_name_sources_in_order) {
  const env_map attributes = {{"OTEL_RESOURCE_ATTRIBUTES", "service.name=from%20attributes"}};
  EXPECT_EQ(resolve(attributes).options.service_name, "from attributes");

  env_map with_env = attributes;
  with_env["OTEL_SERVICE_NAME"] = "from-env";
  EXPECT_EQ(resolve(with_env).options.service_name, "from-env");
  probe_options explicit_name;
  explicit_name.service_name = "explicit";
  EXPECT_EQ(resolve(with_env, explicit_name).options.service_name, "explicit");

  probe_options explicit_attributes;
  explicit_attributes.resource_attributes = env_map{{"service.name", "explicit-attributes"}};
  EXPECT_EQ(resolve(attributes, explicit_attributes).options.service_name,
            "explicit-attributes");
}

TEST(resolve_options, service_name_falls_back_to_the_executable) {
  const std::string expected =
      std::filesystem::read_symlink("/proc/self/exe").filename().string();
  EXPECT_EQ(resolve({}).options.service_name, expected);
  EXPECT_EQ(resolve({{"OTEL_RESOURCE_ATTRIBUTES", "service.name="}}).options.service_name,
            expected);
}
