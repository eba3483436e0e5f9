// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::perfetto alone: a recorded window becomes a Perfetto trace (a Trace's
// packets), in memory and in a file. Argument: a directory to write the file in.
#include <cstdio>
#include <string>

#include <coroscope/perfetto.hpp>

#include "check.hpp"

using install_test::check;

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  coroscope::timeline window;
  window.process_name = "install-perfetto";
  window.pid = 4242;
  window.workers = {{0, "coroscope-w0", 4243}};
  window.tasks = {{1, 0, "accept-loop"}};
  window.polls = {{0, 1, 1000, 2000}};

  const std::string trace = coroscope::encode_perfetto(window);
  check(!trace.empty() && trace[0] == '\x0a', "the trace starts with a Trace.packet field");
  check(trace.find("install-perfetto") != std::string::npos, "it names the process");
  check(trace.find("accept-loop") != std::string::npos, "it names the task");
  check(coroscope::encode_perfetto(window) == trace, "encoding is deterministic");

  const std::string path = std::string(argv[1]) + "/window.pftrace";
  std::remove(path.c_str());
  coroscope::write_perfetto(window, path);
  check(install_test::read_file(path) == trace, "write_perfetto writes the same bytes");
  return install_test::finish("perfetto_program");
}
