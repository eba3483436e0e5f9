// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::base's env error line, the one helper every report of a bad environment value goes through.
#include <coroscope/base/env_error_line.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using coroscope::env::error_line;
using coroscope::env::kMaxLine;
using coroscope::env::kMaxShownValue;
namespace env = coroscope::env;

TEST(env_error_line, quoted_escapes_what_could_break_a_line) {
  EXPECT_EQ(env::quoted("7d"), "\"7d\"");
  EXPECT_EQ(env::quoted("a\nb\r\x1b[2K\t\x7f"), "\"a\\x0ab\\x0d\\x1b[2K\\x09\\x7f\"");
  EXPECT_EQ(env::quoted("say \"hi\" \\ bye"), "\"say \\x22hi\\x22 \\x5c bye\"");
  EXPECT_EQ(env::quoted("dépôt"), "\"dépôt\"");  // UTF-8 is shown as it is
}

TEST(env_error_line, quoted_cuts_a_long_value_and_gives_its_length) {
  EXPECT_EQ(env::quoted(std::string(10240, 'a')), "\"" + std::string(kMaxShownValue, 'a') + "\"... (10240 bytes)");
  EXPECT_EQ(env::quoted(std::string(kMaxShownValue, 'a')), "\"" + std::string(kMaxShownValue, 'a') + "\"");
  // A two-byte character across the cut is left out whole.
  const std::string value = std::string(kMaxShownValue - 1, 'a') + "é" + "tail";
  EXPECT_EQ(env::quoted(value), "\"" + std::string(kMaxShownValue - 1, 'a') + "\"... (" +
                               std::to_string(value.size()) + " bytes)");
}

TEST(env_error_line, the_line_names_the_variable_and_the_problem) {
  EXPECT_EQ(error_line("COROSCOPE_SAMPLE_HZ", "fast", "is not a rate in Hz; using 99"),
            "coroscope: COROSCOPE_SAMPLE_HZ=\"fast\" is not a rate in Hz; using 99\n");
  // Text put together elsewhere keeps its quoting: only control bytes are escaped.
  EXPECT_EQ(error_line("OTLP: " + env::quoted("a\\b") + " bad\n"), "coroscope: OTLP: \"a\\x5cb\" bad\\x0a\n");
}

TEST(env_error_line, a_long_text_is_cut_to_the_line_limit) {
  const std::string line = error_line(std::string(5000, 'x'));
  EXPECT_EQ(line.size(), kMaxLine);
  EXPECT_TRUE(line.ends_with("x... (cut)\n")) << line.substr(line.size() - 40);
  // Escapes are never split, nor UTF-8 characters.
  const std::string escapes = error_line(std::string(5000, '\n'));
  EXPECT_LE(escapes.size(), kMaxLine);
  EXPECT_TRUE(escapes.ends_with("\\x0a... (cut)\n"));
  std::string wide;
  for (int i = 0; i < 1000; ++i) wide += "é";
  const std::string cut = error_line(wide);
  EXPECT_LE(cut.size(), kMaxLine);
  EXPECT_TRUE(cut.ends_with("é... (cut)\n")) << cut.substr(cut.size() - 20);
}

}  // namespace
