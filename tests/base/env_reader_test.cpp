// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The one environment reader: the probe's options (trimmed, blank is unset), the OTLP
// exporter's (empty is unset) and continuous profiling's (as is) read through it.
#include <coroscope/base/env_reader.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

namespace {

using coroscope::env::reader;

reader fake(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(env_reader, the_three_views_of_a_value) {
  const reader env = fake({{"A", "  x y \t"}, {"EMPTY", ""}, {"BLANK", " \n "}});
  EXPECT_EQ(env.raw("A"), "  x y \t");
  EXPECT_EQ(env.non_empty("A"), "  x y \t");
  EXPECT_EQ(env.trimmed("A"), "x y");
  EXPECT_EQ(env.raw("EMPTY"), "");
  EXPECT_EQ(env.non_empty("EMPTY"), std::nullopt);
  EXPECT_EQ(env.non_empty("BLANK"), " \n ");
  EXPECT_EQ(env.trimmed("BLANK"), std::nullopt);
  EXPECT_EQ(env.raw("UNSET"), std::nullopt);
}

TEST(env_reader, default_reads_the_process_environment) {
  ASSERT_EQ(::setenv("COROSCOPE_ENV_READER_TEST", "from-process", 1), 0);
  EXPECT_EQ(reader{}.raw("COROSCOPE_ENV_READER_TEST"), "from-process");
  EXPECT_EQ(reader(static_cast<const char* (*)(const char*)>(nullptr)).raw("COROSCOPE_ENV_READER_TEST"),
            "from-process");
  EXPECT_EQ(reader::empty().raw("COROSCOPE_ENV_READER_TEST"), std::nullopt);
  ::unsetenv("COROSCOPE_ENV_READER_TEST");
  EXPECT_EQ(reader{}.raw("COROSCOPE_ENV_READER_TEST"), std::nullopt);
}

const char* getenv_like(const char* name) {
  return std::string_view(name) == "G" ? "from-function" : nullptr;
}

TEST(env_reader, getenv_shaped_function) {
  const reader env(&getenv_like);
  EXPECT_EQ(env.raw("G"), "from-function");
  EXPECT_EQ(env.raw("H"), std::nullopt);
}

TEST(env_reader, without_unsets_only_the_names_given) {
  const reader env = fake({{"A", "1"}, {"B", "2"}}).without({"A"});
  EXPECT_EQ(env.raw("A"), std::nullopt);
  EXPECT_EQ(env.raw("B"), "2");
}

TEST(env_reader, reports_one_escaped_line_to_the_sink) {
  std::string lines;
  const reader env =
      fake({}).reporting_to([&](const std::string& line) { lines += line; });
  env.report("X", "a\nb", "is bad; using 1");
  env.report("Y: free text\r");
  EXPECT_EQ(lines, "coroscope: X=\"a\\x0ab\" is bad; using 1\ncoroscope: Y: free text\\x0d\n");
}

}  // namespace
