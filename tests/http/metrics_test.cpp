// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/metrics.hpp>

#include "test_data.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {

/// One parsed sample: metric name, labels (unescaped) and the value text.
struct prom_sample {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string value;
};

/// A strict reader of the text format 0.0.4, written for the test: fails the test on
/// any malformed line, a sample before its family's TYPE, or a family declared twice.
std::vector<prom_sample> parse_prometheus(const std::string& text) {
  static const std::regex name_re{"[a-zA-Z_:][a-zA-Z0-9_:]*"};
  static const std::set<std::string> types{"counter", "gauge", "summary", "histogram", "untyped"};
  std::map<std::string, std::string> family_type;
  std::set<std::string> helped;
  std::vector<prom_sample> samples;
  EXPECT_TRUE(text.empty() || text.back() == '\n');
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      std::istringstream fields(line.substr(7));
      std::string name, rest;
      fields >> name;
      std::getline(fields, rest);
      EXPECT_TRUE(std::regex_match(name, name_re)) << line;
      if (line[2] == 'H') {
        EXPECT_TRUE(helped.insert(name).second) << "HELP twice: " << line;
        EXPECT_FALSE(family_type.count(name)) << "HELP after TYPE: " << line;
      } else {
        std::string type = rest.substr(rest.find_first_not_of(' '));
        EXPECT_TRUE(types.count(type)) << line;
        EXPECT_TRUE(family_type.emplace(name, type).second) << "TYPE twice: " << line;
      }
      continue;
    }
    EXPECT_NE(line.front(), '#') << line;
    prom_sample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') s.name += line[i++];
    EXPECT_TRUE(std::regex_match(s.name, name_re)) << line;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::string key, value;
        while (i < line.size() && line[i] != '=') key += line[i++];
        EXPECT_TRUE(std::regex_match(key, std::regex("[a-zA-Z_][a-zA-Z0-9_]*"))) << line;
        EXPECT_EQ(line.substr(i, 2), "=\"") << line;
        i += 2;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\') {
            ++i;
            EXPECT_TRUE(line[i] == '\\' || line[i] == '"' || line[i] == 'n') << line;
            value += line[i] == 'n' ? '\n' : line[i];
          } else {
            value += line[i];
          }
          ++i;
        }
        ++i;  // closing quote
        if (i < line.size() && line[i] == ',') ++i;
        EXPECT_TRUE(s.labels.emplace(key, value).second) << "label twice: " << line;
      }
      ++i;  // '}'
    }
    EXPECT_EQ(line[i], ' ') << line;
    s.value = line.substr(i + 1);
    EXPECT_TRUE(std::regex_match(s.value, std::regex(R"([-+]?[0-9.eE+-]+|NaN|[+-]Inf)"))) << line;
    std::string family = s.name;
    for (const char* suffix : {"_sum", "_count"}) {
      const std::string sfx = suffix;
      if (!family_type.count(family) && family.size() > sfx.size() &&
          family.compare(family.size() - sfx.size(), sfx.size(), sfx) == 0)
        family.resize(family.size() - sfx.size());
    }
    EXPECT_TRUE(family_type.count(family)) << "sample before its TYPE: " << line;
    EXPECT_TRUE(helped.count(family)) << "no HELP: " << line;
    samples.push_back(std::move(s));
  }
  return samples;
}

/// The value of the sample with exactly these labels; "" when absent.
std::string value_of(const std::vector<prom_sample>& samples, const std::string& name,
                     const std::map<std::string, std::string>& labels = {}) {
  for (const auto& s : samples)
    if (s.name == name && s.labels == labels) return s.value;
  return "";
}

TEST(prometheus_text, is_well_formed_with_the_snapshot_values) {
  const auto snap = coroscope::test::small_snapshot();
  coroscope::process_stats proc;
  proc.valid = true;
  proc.cpu_seconds = 1.5;
  proc.resident_bytes = 4096 * 10;
  proc.virtual_bytes = 4096 * 100;
  const auto samples = parse_prometheus(coroscope::prometheus_text(snap, proc));

  EXPECT_EQ(value_of(samples, "coroscope_worker_busy_ratio", {{"worker", "0"}}), "0.25");
  EXPECT_EQ(value_of(samples, "coroscope_worker_busy_ratio", {{"worker", "1"}}), "0.5");
  EXPECT_EQ(value_of(samples, "coroscope_worker_polls_total", {{"worker", "0"}}), "1000");
  EXPECT_EQ(value_of(samples, "coroscope_worker_polls_total", {{"worker", "1"}}), "20");
  EXPECT_EQ(value_of(samples, "coroscope_worker_busy_seconds_total", {{"worker", "0"}}), "0.25");
  EXPECT_EQ(value_of(samples, "coroscope_worker_parks_total", {{"worker", "0"}}), "40");
  EXPECT_EQ(value_of(samples, "coroscope_worker_park_seconds_total", {{"worker", "0"}}), "1.5");
  EXPECT_EQ(value_of(samples, "coroscope_worker_noop_unparks_total", {{"worker", "0"}}), "3");
  EXPECT_EQ(value_of(samples, "coroscope_worker_steals_total", {{"worker", "1"}}), "2");
  EXPECT_EQ(value_of(samples, "coroscope_worker_remote_schedules_total", {{"worker", "0"}}), "9");

  EXPECT_EQ(value_of(samples, "coroscope_tasks_live"), "3");
  EXPECT_EQ(value_of(samples, "coroscope_tasks_spawned_total"), "10");
  EXPECT_EQ(value_of(samples, "coroscope_tasks_completed_total"), "7");
  EXPECT_EQ(value_of(samples, "coroscope_tasks", {{"state", "idle"}}), "1");
  EXPECT_EQ(value_of(samples, "coroscope_tasks", {{"state", "running"}}), "1");
  EXPECT_EQ(value_of(samples, "coroscope_tasks", {{"state", "scheduled"}}), "0");
  EXPECT_EQ(value_of(samples, "coroscope_tasks", {{"state", "completed"}}), "1");
  EXPECT_EQ(value_of(samples, "coroscope_task_slow_polls"), "3");
  EXPECT_EQ(value_of(samples, "coroscope_dropped_events_total"), "5");
  EXPECT_EQ(value_of(samples, "coroscope_untracked_spawns_total"), "1");
  EXPECT_EQ(value_of(samples, "coroscope_warnings", {{"lint", "long-poll"}}), "2");

  // The site name holds a quote and a backslash: the parser above unescapes them.
  const std::map<std::string, std::string> site{
      {"site", "db.query \"users\"\\x"}, {"file", "src/db.cpp"}, {"line", "17"}};
  auto with = [](std::map<std::string, std::string> l, const char* q) {
    l["quantile"] = q;
    return l;
  };
  EXPECT_EQ(value_of(samples, "coroscope_await_duration_seconds", with(site, "0.5")), "0.25");
  EXPECT_EQ(value_of(samples, "coroscope_await_duration_seconds", with(site, "0.9")), "1");
  EXPECT_EQ(value_of(samples, "coroscope_await_duration_seconds", with(site, "0.99")), "1.2");
  EXPECT_EQ(value_of(samples, "coroscope_await_duration_seconds_sum", site), "2");
  EXPECT_EQ(value_of(samples, "coroscope_await_duration_seconds_count", site), "4");
  EXPECT_EQ(value_of(samples, "coroscope_await_slow_total", site), "1");
  EXPECT_EQ(value_of(samples, "coroscope_await_max_seconds", site), "1.2");

  EXPECT_EQ(value_of(samples, "coroscope_info", {{"service", "check\"out"}}), "1");
  EXPECT_EQ(value_of(samples, "coroscope_uptime_seconds"), "12");
  EXPECT_EQ(value_of(samples, "process_cpu_seconds_total"), "1.5");
  EXPECT_EQ(value_of(samples, "process_resident_memory_bytes"), "40960");
  EXPECT_EQ(value_of(samples, "process_virtual_memory_bytes"), "409600");
}

TEST(prometheus_text, operations_no_task_bucket_and_resources) {
  auto snap = coroscope::test::small_snapshot();
  coroscope::test::add_operations(snap);
  const auto samples = parse_prometheus(coroscope::prometheus_text(snap, {}));
  EXPECT_EQ(value_of(samples, "coroscope_operations_total", {{"kind", "socket_read"}}), "40");
  EXPECT_EQ(value_of(samples, "coroscope_operations_total", {{"kind", "socket_accept"}}), "3");
  EXPECT_EQ(value_of(samples, "coroscope_operation_wait_seconds", {{"kind", "socket_read"}, {"quantile", "0.5"}}),
            "0.002");
  EXPECT_EQ(value_of(samples, "coroscope_operation_wait_seconds", {{"kind", "socket_read"}, {"quantile", "0.9"}}),
            "0.008");
  EXPECT_EQ(value_of(samples, "coroscope_operation_wait_seconds", {{"kind", "socket_read"}, {"quantile", "0.99"}}),
            "0.25");
  EXPECT_EQ(value_of(samples, "coroscope_operation_wait_seconds_count", {{"kind", "socket_read"}}), "5");
  EXPECT_EQ(value_of(samples, "coroscope_operation_wait_seconds", {{"kind", "socket_accept"}, {"quantile", "0.5"}}),
            "1");
  EXPECT_EQ(value_of(samples, "coroscope_no_task_polls_total"), "12");
  EXPECT_EQ(value_of(samples, "coroscope_no_task_busy_seconds_total"), "1.5");
  EXPECT_EQ(value_of(samples, "coroscope_resources", {{"kind", "socket"}, {"state", "open"}}), "1");
  EXPECT_EQ(value_of(samples, "coroscope_resources", {{"kind", "socket"}, {"state", "closed"}}), "1");
  EXPECT_EQ(value_of(samples, "coroscope_resources", {{"kind", "timer"}, {"state", "open"}}), "1");
  EXPECT_EQ(value_of(samples, "coroscope_resources", {{"kind", "timer"}, {"state", "closed"}}), "");
  EXPECT_EQ(value_of(samples, "coroscope_dropped_resources_total"), "4");
  // Bounded labels: nothing names a task or a resource.
  for (const auto& sample : samples) {
    if (sample.name.rfind("coroscope_operation", 0) != 0 && sample.name.rfind("coroscope_resources", 0) != 0)
      continue;
    for (const auto& [key, value] : sample.labels)
      EXPECT_TRUE(key == "kind" || key == "state" || key == "quantile") << sample.name << " " << key;
  }
}

TEST(prometheus_text, self_cost) {
  const auto samples = parse_prometheus(coroscope::prometheus_text(coroscope::test::small_snapshot(), {}));
  EXPECT_EQ(value_of(samples, "coroscope_self_polls_total"), "1020");
  EXPECT_EQ(value_of(samples, "coroscope_self_events_total"), "300");
  EXPECT_DOUBLE_EQ(std::stod(value_of(samples, "coroscope_self_poll_cost_seconds")), 45.5e-9);
  EXPECT_EQ(value_of(samples, "coroscope_self_event_cost_seconds"), "2e-08");
  EXPECT_EQ(value_of(samples, "coroscope_self_cpu_seconds_total", {{"thread", "collector"}}), "0.04");
  EXPECT_EQ(value_of(samples, "coroscope_self_cpu_seconds_total", {{"thread", "sampler"}}), "0.02");
  EXPECT_EQ(value_of(samples, "coroscope_self_cpu_ratio"), "0.005");
  EXPECT_EQ(value_of(samples, "coroscope_self_memory_bytes", {{"part", "rings"}}), "786432");
  EXPECT_EQ(value_of(samples, "coroscope_self_memory_bytes", {{"part", "recorder"}}), "0");
  EXPECT_EQ(value_of(samples, "coroscope_self_memory_bytes", {{"part", "tables"}}), "65536");
  EXPECT_EQ(value_of(samples, "coroscope_self_dropped_cpu_samples_total"), "4");
  EXPECT_EQ(value_of(samples, "coroscope_self_recorder_lost_total", {{"what", "events"}}), "900");
  EXPECT_EQ(value_of(samples, "coroscope_self_recorder_lost_total", {{"what", "cpu_samples"}}), "3");
}

TEST(prometheus_text, label_values_with_newlines_stay_on_one_line) {
  auto snap = coroscope::test::small_snapshot();
  snap.await_sites[0].name = "multi\nline";
  const std::string text = coroscope::prometheus_text(snap, {});
  EXPECT_NE(text.find("site=\"multi\\nline\""), std::string::npos);
  const auto samples = parse_prometheus(text);
  EXPECT_EQ(value_of(samples, "process_cpu_seconds_total"), "") << "invalid process stats are left out";
}

TEST(prometheus_text, empty_snapshot_is_still_valid) {
  const auto samples = parse_prometheus(coroscope::prometheus_text(coroscope::snapshot{}, {}));
  EXPECT_EQ(value_of(samples, "coroscope_tasks_live"), "0");
  EXPECT_EQ(value_of(samples, "coroscope_no_task_polls_total"), "0");
}

TEST(process_stats, reads_this_process) {
  const auto p = coroscope::read_process_stats();
  ASSERT_TRUE(p.valid);
  EXPECT_GT(p.resident_bytes, 0u);
  EXPECT_GE(p.virtual_bytes, p.resident_bytes);
  EXPECT_GE(p.cpu_seconds, 0.0);
}

TEST(tasks_json, has_every_section_and_escapes) {
  auto snap = coroscope::test::small_snapshot();
  snap.tasks[0].name = std::string("bad \xff utf8");
  const auto j = nlohmann::json::parse(coroscope::tasks_json(snap));
  EXPECT_EQ(j["service_name"], "check\"out");
  EXPECT_EQ(j["live_tasks"], 3);
  EXPECT_EQ(j["dropped_events"], 5);
  ASSERT_EQ(j["tasks"].size(), 3u);
  EXPECT_EQ(j["tasks"][0]["name"], "bad \xEF\xBF\xBD utf8");
  EXPECT_EQ(j["tasks"][1]["name"], "conn \"7\"\nnext");
  EXPECT_EQ(j["tasks"][1]["span_id"], "00f067aa0ba902b7");
  EXPECT_EQ(j["tasks"][2]["state"], "completed");
  EXPECT_EQ(j["workers"][1]["polls"], 20);
  EXPECT_EQ(j["await_sites"][0]["name"], "db.query \"users\"\\x");
  EXPECT_EQ(j["await_sites"][0]["durations"]["p99_ns"], 1'200'000'000);
  EXPECT_EQ(j["warnings"].size(), 2u);
  EXPECT_EQ(j["tasks"][0]["operations"], nlohmann::json::array());
}

TEST(tasks_json, has_operations_resources_and_the_no_task_bucket) {
  auto snap = coroscope::test::small_snapshot();
  coroscope::test::add_operations(snap);
  const auto j = nlohmann::json::parse(coroscope::tasks_json(snap));
  ASSERT_EQ(j["tasks"][0]["operations"].size(), 2u);
  EXPECT_EQ(j["tasks"][0]["operations"][0]["kind"], "socket_accept");
  EXPECT_EQ(j["tasks"][0]["operations"][0]["count"], 3);
  EXPECT_EQ(j["tasks"][1]["operations"][0]["count"], 40);
  EXPECT_EQ(j["no_task"]["polls"], 12);
  EXPECT_EQ(j["no_task"]["busy_ns"], 1'500'000'000);
  ASSERT_EQ(j["operation_kinds"].size(), 2u);
  EXPECT_EQ(j["operation_kinds"][0]["kind"], "socket_read");
  EXPECT_EQ(j["operation_kinds"][0]["count"], 40);
  EXPECT_EQ(j["operation_kinds"][0]["waits"]["count"], 5);
  EXPECT_EQ(j["operation_kinds"][0]["waits"]["p99_ns"], 250'000'000);
  ASSERT_EQ(j["resources"].size(), 3u);
  EXPECT_EQ(j["resources"][0]["kind"], "socket");
  EXPECT_EQ(j["resources"][0]["native_handle"], 7);
  EXPECT_EQ(j["resources"][0]["closed"], false);
  EXPECT_EQ(j["resources"][0]["timed_operations"], 5);
  EXPECT_EQ(j["resources"][0]["waits"]["p50_ns"], 2'000'000);
  EXPECT_EQ(j["resources"][0]["last_task_id"], 2);
  EXPECT_EQ(j["resources"][0]["last_task_name"], "conn \"7\"\nnext");
  EXPECT_EQ(j["resources"][1]["closed"], true);
  EXPECT_EQ(j["resources"][2]["native_handle"], -1);
  EXPECT_EQ(j["dropped_resources"], 4);
}

}  // namespace
