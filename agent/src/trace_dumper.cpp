// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "trace_dumper.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <optional>
#include <set>
#include <utility>

#include "coroscope/perfetto.hpp"

namespace coroscope::agent {
namespace {

constexpr std::string_view kSuffix = ".perfetto-trace";

}  // namespace

std::string trace_file_name(const std::string& reason, std::chrono::system_clock::time_point when) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch());
  const std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[40];
  std::snprintf(stamp, sizeof stamp, "%04d%02d%02dT%02d%02d%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms.count() % 1000));
  return reason + '-' + stamp + std::string(kSuffix);
}

bool is_trace_file_name(std::string_view name) {
  // `-YYYYMMDDTHHMMSS.mmmZ` before the suffix, after a reason of at least one character.
  constexpr std::string_view layout = "-ddddddddTdddddd.dddZ";
  if (!name.ends_with(kSuffix)) return false;
  name.remove_suffix(kSuffix.size());
  if (name.size() <= layout.size()) return false;
  const std::string_view stamp = name.substr(name.size() - layout.size());
  for (std::size_t i = 0; i < layout.size(); ++i) {
    const char c = stamp[i];
    if (layout[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(c)) : c != layout[i]) return false;
  }
  return true;
}

trace_dumper::trace_dumper(const core::snapshot_source& source, options options)
    : source_(source), options_(std::move(options)) {}

std::vector<std::string> trace_dumper::poll(std::chrono::steady_clock::time_point now,
                                            bool requested) {
  std::vector<std::string> written;
  // Lint kinds that fired since the last call and are due; one trace serves them all.
  std::set<std::string> due;
  for (const core::lint_firing& f : source_.lints_since(seen_lints_)) {
    seen_lints_ = std::max(seen_lints_, f.seq);
    auto it = last_written_.find(f.lint);
    if (it == last_written_.end() || now - it->second >= options_.per_lint_interval)
      due.insert(f.lint);
  }
  for (const std::string& lint : due) {
    last_written_[lint] = now;
    written.push_back(write_trace_file(source_, options_.dir, lint, options_.keep_files));
  }
  if (requested) written.push_back(write_trace_file(source_, options_.dir, "sigusr2", options_.keep_files));
  std::erase(written, std::string());
  return written;
}

std::string write_trace_file(const core::snapshot_source& source, const std::string& dir,
                             const std::string& reason, std::size_t keep) {
  const std::optional<timeline> window = source.trace_window({}, true);
  if (!window) return {};
  const std::string path =
      (std::filesystem::path(dir) / trace_file_name(reason, std::chrono::system_clock::now())).string();
  write_perfetto(*window, path);
  keep_newest_traces(dir, keep);
  return path;
}

std::string private_trace_dir(const std::filesystem::path& tmp) {
  const std::filesystem::path dir = tmp / ("coroscope-traces-" + std::to_string(::getuid()));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::runtime_error(dir.string() + " cannot be created: " + std::strerror(errno));
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() ||
      (st.st_mode & 077) != 0)
    throw std::runtime_error(dir.string() +
                             " is not a private directory of this user; set COROSCOPE_TRACE_DIR");
  return dir.string();
}

void keep_newest_traces(const std::string& dir, std::size_t keep) {
  std::error_code ec;
  std::vector<std::pair<std::filesystem::file_time_type, std::filesystem::path>> traces;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file(ec) || !is_trace_file_name(name)) continue;  // not ours: left alone
    traces.emplace_back(entry.last_write_time(ec), entry.path());
  }
  if (traces.size() <= keep) return;
  std::sort(traces.begin(), traces.end());  // oldest first (then by name)
  for (std::size_t i = 0; i + keep < traces.size(); ++i)
    std::filesystem::remove(traces[i].second, ec);
}

}  // namespace coroscope::agent
