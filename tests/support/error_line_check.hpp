// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// What every report of a bad environment value must be, whatever the value held: one
// line, of bounded length, naming the variable, with no byte a terminal or a log would
// act on. Tests of every part that reads a variable check its reports with this.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace coroscope::test {

/// Values that try to break a report: a newline followed by a forged report, a carriage
/// return, a terminal escape and a tab; and 10 KB of one letter.
inline std::vector<std::string> hostile_env_values() {
  return {"x\ncoroscope: forged report\r\x1b[2K\tend", std::string(10 * 1024, 'a')};
}

/// `output` is exactly one report of at most `max_line` bytes (its newline included)
/// that names `variable`, without a control byte other than its final newline.
inline void expect_one_error_line(const std::string& output, std::string_view variable,
                                  std::size_t max_line) {
  SCOPED_TRACE(std::string(variable) + ": " + output.substr(0, 300));
  ASSERT_FALSE(output.empty()) << "no report";
  EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 1);
  EXPECT_EQ(output.back(), '\n');
  EXPECT_LE(output.size(), max_line);
  EXPECT_TRUE(output.starts_with("coroscope: "));
  EXPECT_NE(output.find(variable), std::string::npos);
  EXPECT_TRUE(std::none_of(output.begin(), output.end() - 1, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  }));
}

}  // namespace coroscope::test
