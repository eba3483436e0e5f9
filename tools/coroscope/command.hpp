// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/profile.hpp>
#include <coroscope/profile_view.hpp>

#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// What the `coroscope` tool's subcommands share: self-registration, reading profiles,
/// writing outputs, and the one way a file problem is reported.
namespace coroscope::cli {

/// A problem with a file the user named. `main` prints `coroscope: <file>: <reason>` on
/// one line and exits with `file_error_exit_code`.
class file_error : public std::runtime_error {
 public:
  file_error(std::string file, const std::string& reason);
  const std::string& file() const noexcept { return file_; }

 private:
  std::string file_;
};

inline constexpr int file_error_exit_code = 2;

/// Adds one subcommand to `app`; the subcommand's callback does its work and throws
/// `file_error` (or `std::runtime_error`) on failure.
using command_setup = void (*)(CLI::App& app);

/// A subcommand registers itself from its own file with one static object:
///
///     static const coroscope::cli::registration top_command{"top", &add_top};
struct registration {
  registration(std::string_view name, command_setup setup);
};

/// The registered subcommands, by name.
std::vector<std::pair<std::string, command_setup>> registered_commands();

/// Reads and decodes a pprof file (gzipped or not). Throws `file_error` with the system
/// error (missing, unreadable) or the decoder's reason (empty, truncated, corrupt).
cpu_profile load_profile(const std::string& path);

/// Writes `content` to `path`, or to stdout when `path` is empty or `-`.
/// Throws `file_error` when it cannot.
void write_output(const std::string& path, std::string_view content);

/// Adds the option named by `names` (CLI11 syntax, e.g. `--weight,--sample-index`) taking
/// `samples` (or `count`) or `cpu`; unset means "the CPU value when the profile has one".
void add_sample_index_option(CLI::App& command, std::string& value, const std::string& names = "--sample-index");

/// Adds `--full-names`: print or draw each function's full signature (return type,
/// parameters, template arguments) instead of its short name. Sets `style`.
void add_full_names_flag(CLI::App& command, name_style& style);

/// The weight `value` of `--sample-index` names; when it is empty, `cpu_ns` if every one
/// of `profiles` has CPU values, else `count`.
sample_weight choose_weight(const std::string& value, std::initializer_list<const cpu_profile*> profiles);

}  // namespace coroscope::cli
