// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "command.hpp"

#include <coroscope/pprof.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

namespace coroscope::cli {
namespace {

// A function-local static: registrations run during static initialisation, in any order.
std::map<std::string, command_setup, std::less<>>& registry() {
  static std::map<std::string, command_setup, std::less<>> commands;
  return commands;
}

// The message stays on one line whatever the reason holds.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

std::string read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw file_error(path, std::strerror(errno));
  std::string bytes;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      throw file_error(path, std::strerror(error));
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return bytes;
}

}  // namespace

file_error::file_error(std::string file, const std::string& reason)
    : std::runtime_error(one_line(reason)), file_(one_line(std::move(file))) {}

registration::registration(std::string_view name, command_setup setup) {
  registry().emplace(std::string(name), setup);
}

std::vector<std::pair<std::string, command_setup>> registered_commands() {
  return {registry().begin(), registry().end()};
}

cpu_profile load_profile(const std::string& path) {
  const std::string bytes = read_whole_file(path);
  try {
    return decode_pprof(bytes);
  } catch (const std::exception& e) {
    throw file_error(path, e.what());
  }
}

void write_output(const std::string& path, std::string_view content) {
  if (path.empty() || path == "-") {
    if (std::fwrite(content.data(), 1, content.size(), stdout) != content.size() || std::fflush(stdout) != 0)
      throw file_error("<stdout>", std::strerror(errno));
    return;
  }
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) throw file_error(path, std::strerror(errno));
  const bool written = std::fwrite(content.data(), 1, content.size(), out) == content.size();
  const int write_error = errno;
  if (std::fclose(out) != 0 || !written) throw file_error(path, std::strerror(written ? errno : write_error));
}

void add_sample_index_option(CLI::App& command, std::string& value, const std::string& names) {
  command
      .add_option(names, value,
                  "Sample value to weigh by: samples (count) or cpu (nanoseconds); "
                  "default cpu when the profile has it")
      ->check(CLI::IsMember({"samples", "count", "cpu"}));
}

void add_full_names_flag(CLI::App& command, name_style& style) {
  command
      .add_flag_callback(
          "--full-names", [&style] { style = name_style::full_names; },
          "Name functions by their full signature (return type, parameters, template arguments), "
          "not the short 'scope::name<...>' form")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

sample_weight choose_weight(const std::string& value, std::initializer_list<const cpu_profile*> profiles) {
  if (value == "cpu") return sample_weight::cpu_ns;
  if (!value.empty()) return sample_weight::count;
  for (const cpu_profile* p : profiles)
    if (preferred_weight(*p) != sample_weight::cpu_ns) return sample_weight::count;
  return sample_weight::cpu_ns;
}

}  // namespace coroscope::cli
