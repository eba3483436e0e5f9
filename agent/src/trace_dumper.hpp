// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "coroscope/core/recording.hpp"

namespace coroscope::agent {

/// The newest traces a trace directory keeps (lint, SIGUSR2 and console traces alike).
inline constexpr std::size_t kKeepTraces = 16;

/// Writes the flight recorder's window into a directory when a lint fires (or on request),
/// named `<lint>-<UTC time>.perfetto-trace`: at most one file per lint kind per
/// `per_lint_interval`, and only the newest `keep_files` traces kept in the directory.
/// Runs on the agent's thread, never on a worker or in a signal handler.
class trace_dumper {
 public:
  struct options {
    std::string dir;
    std::size_t keep_files = kKeepTraces;
    std::chrono::nanoseconds per_lint_interval = std::chrono::minutes(1);
  };

  trace_dumper(const core::snapshot_source& source, options options);

  /// Writes a trace for each lint kind that fired since the last call and has had none
  /// for `per_lint_interval` before `now`, and one named `requested` when `requested`
  /// is true (SIGUSR2; not rate-limited). Returns the paths written. Throws
  /// `std::runtime_error` when a file cannot be written.
  std::vector<std::string> poll(std::chrono::steady_clock::time_point now, bool requested = false);

 private:

  const core::snapshot_source& source_;
  options options_;
  std::uint64_t seen_lints_ = 0;
  std::map<std::string, std::chrono::steady_clock::time_point> last_written_;  // by lint
};

/// `<reason>-<UTC time to the millisecond>.perfetto-trace`, e.g.
/// `long-poll-20261205T101502.042Z.perfetto-trace`.
std::string trace_file_name(const std::string& reason, std::chrono::system_clock::time_point when);
/// True for a name `trace_file_name` makes: the files a trace directory's bound counts.
bool is_trace_file_name(std::string_view name);
/// Removes all but the newest `keep` such files from `dir` (others are left alone).
void keep_newest_traces(const std::string& dir, std::size_t keep);
/// Writes `source`'s whole window (CPU samples included) into `dir` as
/// `trace_file_name(reason, now)`, then keeps the newest `keep` traces there. Empty when the
/// recorder is off; throws `std::runtime_error` naming the path when it cannot be written.
std::string write_trace_file(const core::snapshot_source& source, const std::string& dir,
                             const std::string& reason, std::size_t keep = kKeepTraces);
/// `<tmp>/coroscope-traces-<uid>`, made with mode 0700 when new, for traces asked for
/// without a trace directory. Throws `std::runtime_error` when it exists and is not this
/// user's private directory (a symlink, another owner, open to others).
std::string private_trace_dir(const std::filesystem::path& tmp = std::filesystem::temp_directory_path());

}  // namespace coroscope::agent
