// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/report.hpp>

#include "svg_check.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using coroscope::top_options;
using coroscope::top_report;
using coroscope::test::make_profile;

const auto top_service = make_profile({
    {"main;task:accept-loop;handle_request;parse_body", 50, {{"task", "accept-loop"}}},
    {"main;task:accept-loop;handle_request", 10, {{"task", "accept-loop"}}},
    {"main;task:flush;flush_logs;compress", 25, {{"task", "flush"}}},
    {"main;task:metrics;scrape", 3, {{"task", "metrics"}}},
    {"main;idle", 12},
});

TEST(top_report, hottest_function_and_task_come_first_with_correct_percents) {
  const auto result = top_report(top_service, {.percent_threshold = 0});
  EXPECT_EQ(result.total, 100);
  ASSERT_GE(result.functions.size(), 3u);
  EXPECT_EQ(result.functions[0].name, "parse_body");
  EXPECT_EQ(result.functions[0].flat, 50);
  EXPECT_DOUBLE_EQ(result.functions[0].flat_percent, 50.0);
  EXPECT_DOUBLE_EQ(result.functions[0].cum_percent, 50.0);
  EXPECT_EQ(result.functions[1].name, "compress");
  EXPECT_EQ(result.functions[2].name, "idle");
  ASSERT_GE(result.tasks.size(), 4u);
  EXPECT_EQ(result.tasks[0].task, "accept-loop");
  EXPECT_EQ(result.tasks[0].value, 60);
  EXPECT_DOUBLE_EQ(result.tasks[0].percent, 60.0);
  EXPECT_EQ(result.tasks[1].task, "flush");
  EXPECT_EQ(result.tasks[2].task, coroscope::no_task_name);
  EXPECT_DOUBLE_EQ(result.tasks[2].percent, 12.0);
}

TEST(top_report, cum_counts_a_function_once_per_sample_and_leaves_out_task_frames) {
  const auto result = top_report(make_profile({{"main;fib;fib;fib", 4}, {"main;task:t;fib;other", 6}}),
                                 {.percent_threshold = 0});
  auto find = [&](const std::string& name) {
    for (const auto& row : result.functions)
      if (row.name == name) return row;
    ADD_FAILURE() << name << " missing";
    return coroscope::function_row{};
  };
  EXPECT_EQ(find("fib").cum, 10);
  EXPECT_EQ(find("fib").flat, 4);
  EXPECT_EQ(find("main").cum, 10);
  EXPECT_EQ(find("main").flat, 0);
  EXPECT_EQ(find("other").flat, 6);
  for (const auto& row : result.functions) EXPECT_NE(row.name, "task:t");
}

TEST(top_report, threshold_and_limit_hide_rows) {
  const auto result = top_report(top_service, {.percent_threshold = 20});
  // cum >= 20%: main, handle_request, parse_body, flush_logs, compress; idle (12%) and scrape (3%) hidden.
  std::vector<std::string> names;
  for (const auto& row : result.functions) names.push_back(row.name);
  EXPECT_EQ(names, (std::vector<std::string>{"parse_body", "compress", "handle_request", "main", "flush_logs"}));
  EXPECT_EQ(result.hidden_functions, 2u);
  ASSERT_EQ(result.tasks.size(), 2u);
  EXPECT_EQ(result.hidden_tasks, 2u);

  const auto limited = top_report(top_service, {.percent_threshold = 0, .limit = 2});
  EXPECT_EQ(limited.functions.size(), 2u);
  EXPECT_EQ(limited.tasks.size(), 2u);
  EXPECT_EQ(limited.hidden_functions, 5u);  // of 7 functions
}

TEST(top_report, cpu_weight_adds_cpu_time) {
  const auto profile = make_profile({{"main;cheap", 90, {}, 90}, {"main;costly", 10, {}, 910}});
  const auto result = top_report(profile, {.percent_threshold = 0, .weight = coroscope::sample_weight::cpu_ns});
  EXPECT_EQ(result.total, 1000);
  EXPECT_EQ(result.functions[0].name, "costly");
  EXPECT_DOUBLE_EQ(result.functions[0].flat_percent, 91.0);
}

TEST(format_top, prints_pprof_style_tables_without_hidden_rows) {
  const top_options options{.percent_threshold = 20};
  const std::string text = coroscope::format_top(top_report(top_service, options), options);
  EXPECT_NE(text.find("flat   flat%    sum%          cum    cum%  function"), std::string::npos) << text;
  EXPECT_NE(text.find("          50  50.00%  50.00%           50  50.00%  parse_body\n"), std::string::npos) << text;
  EXPECT_NE(text.find("          25  25.00%  75.00%           25  25.00%  compress\n"), std::string::npos) << text;
  EXPECT_NE(text.find("          60  60.00%  accept-loop\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("idle"), std::string::npos) << text;
  EXPECT_EQ(text.find("scrape"), std::string::npos) << text;
  EXPECT_EQ(text.find("metrics"), std::string::npos) << text;
  EXPECT_LT(text.find("parse_body"), text.find("compress"));
  EXPECT_LT(text.find("Hot functions"), text.find("Hot tasks"));
}

TEST(format_top, tasks_only_and_cpu_units) {
  top_options options{.percent_threshold = 0, .weight = coroscope::sample_weight::cpu_ns, .tasks_only = true};
  const std::string text = coroscope::format_top(top_report(top_service, options), options);
  EXPECT_EQ(text.find("Hot functions"), std::string::npos) << text;
  EXPECT_NE(text.find("   600.00 ms  60.00%  accept-loop\n"), std::string::npos) << text;
  EXPECT_NE(text.find("total 1.00 s CPU time"), std::string::npos) << text;
}

TEST(top_report, names_functions_short_unless_asked_for_full_names) {
  const auto profile = make_profile({
      {"main;task:audit;void ns::handle<int>(int);unsigned long ns::S::hash(char const*) const", 3},
      {"main;task:audit;void ns::handle<long>(long);unsigned long ns::S::hash(char const*) const", 1},
  });
  const auto result = top_report(profile, {.percent_threshold = 0});
  ASSERT_EQ(result.functions.size(), 3u);
  EXPECT_EQ(result.functions[0].name, "ns::S::hash");
  EXPECT_EQ(result.functions[0].flat, 4);
  // Two instantiations, one row: their full names differ only in what the short form drops.
  const auto handle = std::find_if(result.functions.begin(), result.functions.end(),
                                   [](const auto& row) { return row.name == "ns::handle<...>"; });
  ASSERT_NE(handle, result.functions.end());
  EXPECT_EQ(handle->cum, 4);

  const auto full = top_report(profile, {.percent_threshold = 0, .names = coroscope::name_style::full_names});
  ASSERT_EQ(full.functions.size(), 4u);
  EXPECT_EQ(full.functions[0].name, "unsigned long ns::S::hash(char const*) const");
  EXPECT_NE(format_top(full).find("void ns::handle<long>(long)"), std::string::npos);
}

TEST(top_report, empty_profile) {
  const auto result = top_report(coroscope::cpu_profile{});
  EXPECT_EQ(result.total, 0);
  EXPECT_TRUE(result.functions.empty());
  EXPECT_TRUE(result.tasks.empty());
  EXPECT_NE(coroscope::format_top(result).find("Hot tasks"), std::string::npos);
}

}  // namespace
