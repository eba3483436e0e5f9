// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace coroscope::test {

/// What a shell command printed (stdout and stderr together) and its exit status.
struct command_result {
  int status = -1;  ///< exit status, or -1 when it did not exit normally
  std::string output;
};

/// Runs `command` with `sh -c` and waits for it to end.
inline command_result run_command(const std::string& command) {
  command_result result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace coroscope::test
