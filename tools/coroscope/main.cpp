// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// `coroscope`: reads CPU profiles (pprof, ours or other tools') and prints hot functions
// and tasks, draws flamegraphs and diff flamegraphs, writes collapsed stacks. The
// subcommands live in cmd_*.cpp and register themselves.
#include "command.hpp"

#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"CPU profiles of coroutine services: hot functions and tasks, flamegraphs, diffs", "coroscope"};
  app.require_subcommand(1);
  for (const auto& [name, setup] : coroscope::cli::registered_commands()) setup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const coroscope::cli::file_error& e) {
    std::fprintf(stderr, "coroscope: %s: %s\n", e.file().c_str(), e.what());
    return coroscope::cli::file_error_exit_code;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "coroscope: %s\n", e.what());
    return 1;
  }
  return 0;
}
