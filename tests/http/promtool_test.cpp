// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Prometheus' own checker on /metrics: `promtool check metrics` (Debian package
// prometheus) parses the text and lints names, types and help texts. The test's own
// parser (metrics_test.cpp) checks the values; this checks that Prometheus agrees on the
// format.
#include <coroscope/metrics.hpp>

#include "temp_dir.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

namespace {

/// `promtool check metrics` over `text`: its output, with the exit status when not 0.
std::string promtool_check(const std::string& text) {
  coroscope::test::temp_dir dir;
  const auto path = dir.path() / "metrics.txt";
  std::ofstream(path, std::ios::binary) << text;
  const std::string command = "'" COROSCOPE_PROMTOOL "' check metrics < '" + path.string() + "' 2>&1";
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  if (const int status = ::pclose(pipe); status != 0)
    output += "\n[exit status " + std::to_string(status) + "]";
  return output;
}

TEST(promtool, accepts_the_metrics_of_a_full_snapshot) {
  auto snap = coroscope::test::small_snapshot();
  coroscope::test::add_operations(snap);
  coroscope::process_stats proc;
  proc.valid = true;
  proc.cpu_seconds = 2;
  const std::string text = coroscope::prometheus_text(snap, proc);
  ASSERT_NE(text.find("coroscope_operation_wait_seconds{"), std::string::npos);
  EXPECT_EQ(promtool_check(text), "");
}

TEST(promtool, accepts_the_metrics_of_an_empty_snapshot) {
  EXPECT_EQ(promtool_check(coroscope::prometheus_text(coroscope::snapshot{}, {})), "");
}

TEST(promtool, rejects_what_is_wrong) {  // the check itself can fail
  EXPECT_NE(promtool_check("# HELP x Not a counter name.\n# TYPE x counter\nx 1\n"), "");
  EXPECT_NE(promtool_check("coroscope_x{kind=\"a\" 1\n"), "");
}

}  // namespace
