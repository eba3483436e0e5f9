// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::base alone: a bad environment value is reported on one line of bounded
// length, its control bytes escaped and its length given when it is cut; an injected
// environment is read; a listen address is parsed.
#include <algorithm>
#include <string>

#include <coroscope/base/env_error_line.hpp>
#include <coroscope/base/env_reader.hpp>
#include <coroscope/base/host_port.hpp>

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
  const coroscope::env::reader env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "EXAMPLE_VAR") return " 6669 ";
    return std::nullopt;
  };
  check(env.trimmed("EXAMPLE_VAR") == "6669", "an injected environment is read and trimmed");
  std::string error;
  const auto address = coroscope::base::parse_host_port("[::1]:6669", error);
  check(address && address->host == "::1" && address->port == 6669, "[::1]:6669 parses: " + error);
  return install_test::finish("base_program");
}
