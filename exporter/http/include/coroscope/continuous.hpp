// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/base/env_reader.hpp>
#include <coroscope/profile.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

/// Continuous profiling: every interval, the last window's CPU profile is pushed to
/// Pyroscope and/or written as a pprof file into a directory with retention.
namespace coroscope {

/// What `continuous_profiler` does with each window.
struct continuous_options {
  /// Names the files (`cpu-<service>-...`) and the Pyroscope application.
  std::string service_name = "coroscope";
  /// Length of a window: how often `take_profile` is called.
  std::chrono::milliseconds interval{10'000};

  /// Pyroscope base URL (`COROSCOPE_PYROSCOPE_URL`), `http://host:port[/prefix]`;
  /// empty: no push. Profiles go to `<url>/ingest` as raw gzipped pprof.
  std::string pyroscope_url;
  /// Labels of the Pyroscope series (`name=<service>{k=v,...}`).
  std::map<std::string, std::string> pyroscope_labels;
  /// Sampling frequency reported as `sampleRate`.
  unsigned sample_hz = 99;
  /// Limit for one POST (connect, send, receive).
  std::chrono::milliseconds push_timeout{10'000};
  /// Retries after a 5xx or a connection error: delays start here and double up to the
  /// maximum (with jitter); a push is given up after `push_attempts` attempts.
  std::chrono::milliseconds retry_initial_backoff{1'000};
  std::chrono::milliseconds retry_max_backoff{30'000};
  unsigned push_attempts = 5;
  /// Profiles waiting to be pushed; when full the oldest is dropped (and counted).
  std::size_t push_queue_capacity = 8;

  /// Directory for `cpu-<service>-<UTC time>.pb.gz` files (`COROSCOPE_PROFILE_DIR`);
  /// empty: no files. Created if missing. The service name is percent-encoded
  /// (`echo server` gives `cpu-echo%20server-...`): one name, one set of files.
  std::string profile_dir;
  /// Files of exactly this service's name, owned by this process's user, older than
  /// this are removed (`COROSCOPE_PROFILE_RETENTION`, e.g. `36h`, `7d`, `90m`, `3600s`;
  /// default 7 days). Other services' and other users' files are never touched.
  std::chrono::seconds retention{std::chrono::hours(24 * 7)};

  /// Where diagnostics go, one line each without the newline; empty: stderr. A failure
  /// is reported once, then not again until that kind of work (taking a profile, writing
  /// a file, pushing) has succeeded again: no line every interval.
  std::function<void(const std::string&)> log;

  /// True when there is something to do (a URL or a directory).
  bool enabled() const { return !pyroscope_url.empty() || !profile_dir.empty(); }

  /// Options from `COROSCOPE_PYROSCOPE_URL`, `COROSCOPE_PROFILE_DIR` and
  /// `COROSCOPE_PROFILE_RETENTION`. A bad value prints a one-line error naming the
  /// variable on `err` and keeps the default.
  static continuous_options from_environment(std::string service_name, std::ostream& err,
                                             const env::reader& env = {});
};

/// Parses a retention such as `36h`, `7d`, `90m` or `3600s` (a positive integer and one
/// of the units s, m, h, d). Throws `std::invalid_argument` with a one-line reason.
std::chrono::seconds parse_retention(std::string_view text);

/// What a `continuous_profiler` did so far.
struct continuous_stats {
  std::uint64_t windows = 0;          ///< profiles taken
  std::uint64_t files_written = 0;
  std::uint64_t file_errors = 0;      ///< writes that failed (e.g. unwritable directory)
  std::uint64_t files_removed = 0;    ///< removed by retention
  std::uint64_t pushes_sent = 0;      ///< accepted by Pyroscope (2xx)
  std::uint64_t push_retries = 0;     ///< attempts repeated after a 5xx or connection error
  std::uint64_t pushes_failed = 0;    ///< given up: 4xx, or attempts exhausted
  std::uint64_t pushes_dropped = 0;   ///< dropped from a full queue (oldest first), or at stop
};

/// Runs continuous profiling on threads of its own: one takes a profile every interval
/// and writes the file, one pushes to Pyroscope (so a slow or dead Pyroscope never
/// delays the windows). Neither ever runs on the application's threads.
///
/// `take_profile` is called on the profiling thread and returns the samples of the
/// window since its previous call; exceptions it throws are reported and the window
/// skipped. Stopping does not wait for backoff delays; queued pushes are dropped.
class continuous_profiler {
 public:
  using take_profile_fn = std::function<cpu_profile()>;

  continuous_profiler(continuous_options options, take_profile_fn take_profile);
  ~continuous_profiler();
  continuous_profiler(const continuous_profiler&) = delete;
  continuous_profiler& operator=(const continuous_profiler&) = delete;

  /// Stops both threads and joins them; idempotent. Also done by the destructor.
  void stop();
  continuous_stats stats() const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace coroscope
