// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::env alone: a bad environment value is reported on one line of bounded
// length, its control bytes escaped and its length given when it is cut.
#include <algorithm>
#include <string>

#include <coroscope/env/error_line.hpp>

#include "check.hpp"

using install_test::check;

int main() {
  const std::string forged = coroscope::env::error_line("EXAMPLE_VAR", "x\ncoroscope: forged", "is bad");
  check(forged == "coroscope: EXAMPLE_VAR=\"x\\x0acoroscope: forged\" is bad\n",
        "a newline in the value is escaped: " + forged.substr(0, forged.size() - 1));
  const std::string long_value(10 * 1024, 'a');
  const std::string cut = coroscope::env::error_line("EXAMPLE_VAR", long_value, "is bad");
  check(cut.size() <= coroscope::env::kMaxLine && std::count(cut.begin(), cut.end(), '\n') == 1,
        "a 10 KB value gives one line of at most kMaxLine bytes (" + std::to_string(cut.size()) + ")");
  check(cut.find("(10240 bytes)") != std::string::npos, "the cut value's length is given");
  return install_test::finish("env_program");
}
