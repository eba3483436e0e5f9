// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// `coroscope leaks PROFILE...`: leak suspects from heap profiles (oldest first): sites
// whose in-use bytes grow across them, live allocations older than --age, allocations
// that outlived their task (by the task's spawn site).
#include "command.hpp"

#include <coroscope/heap_profile.hpp>
#include <coroscope/heap_pprof.hpp>
#include <coroscope/leak_report.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace coroscope::cli {
namespace {

struct leaks_args {
  std::vector<std::string> profiles;
  double age_seconds = 300;
  std::size_t limit = 20;
  std::size_t frames = 12;
};

heap_profile load_heap_profile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw file_error(path, std::strerror(errno));
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw file_error(path, std::strerror(errno));
  try {
    return decode_heap_pprof(bytes.str());
  } catch (const std::runtime_error& e) {
    throw file_error(path, e.what());
  }
}

void add_leaks(CLI::App& app) {
  auto args = std::make_shared<leaks_args>();
  CLI::App* command = app.add_subcommand("leaks", "Leak suspects from heap profiles, oldest profile first");
  command->add_option("PROFILE", args->profiles, "heap pprof files (COROSCOPE_HEAP_PROFILE), oldest first")
      ->required();
  command->add_option("--age", args->age_seconds, "Live allocations older than this many seconds are suspect")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--limit", args->limit, "At most this many suspects (0: all)")->capture_default_str();
  command->add_option("--frames", args->frames, "Stack frames shown per suspect (0: all)")->capture_default_str();
  command->callback([args] {
    std::vector<heap_profile> snapshots;
    for (const std::string& path : args->profiles) snapshots.push_back(load_heap_profile(path));
    leak_options options;
    options.age_threshold = std::chrono::nanoseconds(static_cast<std::int64_t>(args->age_seconds * 1e9));
    options.limit = args->limit;
    const std::vector<leak_suspect> suspects = leak_report(snapshots, options);
    write_output("-", format_leak_report(suspects, args->frames));
  });
}

const registration leaks_command{"leaks", &add_leaks};

}  // namespace
}  // namespace coroscope::cli
