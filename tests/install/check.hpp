// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

/// What the install-test programs share: named checks, each printed with its outcome, and
/// the exit status (1 when any failed). Uses nothing of coroscope.
namespace install_test {

inline int failures = 0;

/// Prints `ok  : what` or `FAIL: what` and counts failures.
inline void check(bool ok, const std::string& what) {
  std::printf("%s: %s\n", ok ? "ok  " : "FAIL", what.c_str());
  failures += !ok;
}

/// The last line and the exit status of a program.
inline int finish(const char* program) {
  std::printf("%s %s\n", program, failures ? "FAILED" : "passed");
  return failures ? 1 : 0;
}

/// The whole file (empty when it cannot be read).
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace install_test
