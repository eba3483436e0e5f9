// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/base/env_reader.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace coroscope {

/// Options for a `coroscope::probe`. An aggregate: use designated initializers.
/// Every field left unset falls back to its environment variable (see README), then to
/// the default written next to it. Explicit values always win over the environment.
struct probe_options {
  /// Service identity in summaries, profiles and the console. Env `OTEL_SERVICE_NAME`;
  /// default: the executable's name.
  std::string service_name{};
  /// A poll longer than this is a slow poll (`long-poll` lint). Env
  /// `COROSCOPE_SLOW_POLL_MS`; default 10 ms.
  std::optional<std::chrono::nanoseconds> slow_poll_threshold{};
  /// A `TIMED_AWAIT` longer than this is a slow await (`slow-await` lint). Env
  /// `COROSCOPE_SLOW_AWAIT_MS`; default 100 ms.
  std::optional<std::chrono::nanoseconds> slow_await_threshold{};
  /// A task idle (suspended, not runnable) for longer than this is `stuck`. Env
  /// `COROSCOPE_STUCK_MS`; default 60 s.
  std::optional<std::chrono::nanoseconds> stuck_threshold{};
  /// A single poll (or a task's only poll) longer than this is `never-yielded`.
  /// Env `COROSCOPE_NEVER_YIELDED_MS`; default 1 s.
  std::optional<std::chrono::nanoseconds> never_yielded_threshold{};
  /// How long a completed task stays in snapshots. Env `COROSCOPE_RETAIN_MS`; default 6 s.
  std::optional<std::chrono::nanoseconds> retain_completed_for{};
  /// At most this many completed tasks are retained. Env `COROSCOPE_RETAIN_MAX`;
  /// default 4096.
  std::optional<std::size_t> retain_completed_max{};
  /// How often the collector drains the event rings when they are quiet. Env
  /// `COROSCOPE_COLLECT_MS`; default 10 ms (it speeds up to 1 ms under load). While every
  /// worker is parked the collector sleeps 100 ms at a time (an unparking worker wakes it).
  std::optional<std::chrono::nanoseconds> collect_interval{};
  /// Exact timing of polls, operations and timed awaits: 0 (the default) adapts, timing
  /// every poll while polls average 50 µs or more and about one in up to 1024 while they
  /// are very short (counts are always exact; see docs/ARCHITECTURE.md); N times about one
  /// in N, 1 every one. Env `COROSCOPE_TIMING_INTERVAL` (0 to 1024).
  std::optional<unsigned> timing_interval{};
  /// CPU sampling frequency in Hz. Env `COROSCOPE_SAMPLE_HZ`; default 99.
  std::optional<unsigned> sample_hz{};
  /// What drives CPU sampling: "cpu" (thread CPU time: running code only) or "wall"
  /// (elapsed time: blocked threads too). Env `COROSCOPE_SAMPLE_CLOCK`; default "cpu".
  std::optional<std::string> sample_clock{};
  /// How the sampling signal handler walks stacks: "fp" (frame pointers; fast) or
  /// "libunwind" (for code built without frame pointers). Env `COROSCOPE_UNWINDER`;
  /// default "fp".
  std::optional<std::string> unwinder{};
  /// Most CPU the sampler may use, as a fraction of one CPU: it lowers its rate to stay
  /// under. Env `COROSCOPE_MAX_OVERHEAD` (`0.01` or `1%`); default 0.01.
  std::optional<double> max_overhead{};
  /// Write a CPU profile (pprof, gzipped) here when the probe ends. Env
  /// `COROSCOPE_CPU_PROFILE`; default off.
  std::optional<std::string> cpu_profile_path{};
  /// How often periodic CPU profiles are taken for OTLP export and continuous profiling.
  /// Env `COROSCOPE_PROFILE_INTERVAL_MS`; default 10 s.
  std::optional<std::chrono::nanoseconds> profile_interval{};
  /// Serve the live console on `host:port`. Env `COROSCOPE_CONSOLE`; default off.
  std::optional<std::string> console_address{};
  /// Token the console must present. Env `COROSCOPE_CONSOLE_TOKEN`.
  std::optional<std::string> console_token{};
  /// Serve the HTTP debug endpoints (`/debug/pprof/*`, `/metrics`, ...) on `host:port`.
  /// Env `COROSCOPE_HTTP`; default off.
  std::optional<std::string> http_address{};
  /// Bearer token the debug endpoints require (required beyond loopback). Env
  /// `COROSCOPE_HTTP_TOKEN`.
  std::optional<std::string> http_token{};
  /// OTLP/HTTP profiles endpoint (full URL). Env `OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT`,
  /// or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1development/profiles`; default off.
  std::optional<std::string> otlp_profiles_endpoint{};
  /// Extra OTLP request headers. Env `OTEL_EXPORTER_OTLP_HEADERS` (`k=v,k2=v2`).
  std::optional<std::map<std::string, std::string>> otlp_headers{};
  /// Resource attributes. Env `OTEL_RESOURCE_ATTRIBUTES` (`k=v,k2=v2`).
  std::optional<std::map<std::string, std::string>> resource_attributes{};
  /// The flight recorder: keep the last events (polls, spawns and ends, timed awaits,
  /// lints, parks) for `probe::write_trace`. `"30s"` (a time: `ms`, `s`, `m`), `"64MiB"`
  /// (bytes: `B`, `KiB`, `MiB`, `GiB`), or both, `"30s,64MiB"`: whichever bound is hit
  /// first; with a time alone the bytes are bounded at 64 MiB. `"off"` or empty: off. While
  /// on, every poll is timed (`timing_interval` 1). Env `COROSCOPE_FLIGHT_RECORDER`;
  /// default off. See docs/TIMELINE.md.
  std::optional<std::string> flight_recorder{};
  /// Where traces are written automatically (a lint fired; SIGUSR2 when
  /// `trace_on_sigusr2`). Env `COROSCOPE_TRACE_DIR`; default none.
  std::optional<std::string> trace_dir{};
  /// SIGUSR2 writes the recorder's window into `trace_dir`. Env
  /// `COROSCOPE_TRACE_ON_SIGUSR2` (`1`/`0`); default off.
  std::optional<bool> trace_on_sigusr2{};
  /// Read the environment at all. Default true.
  bool read_environment = true;
};

/// `probe_options` with every field resolved (explicit value, else environment, else
/// default). What a running probe actually uses; see `probe::options()`.
struct resolved_options {
  std::string service_name{};
  std::chrono::nanoseconds slow_poll_threshold{std::chrono::milliseconds(10)};
  std::chrono::nanoseconds slow_await_threshold{std::chrono::milliseconds(100)};
  std::chrono::nanoseconds stuck_threshold{std::chrono::seconds(60)};
  std::chrono::nanoseconds never_yielded_threshold{std::chrono::seconds(1)};
  std::chrono::nanoseconds retain_completed_for{std::chrono::seconds(6)};
  std::size_t retain_completed_max = 4096;
  std::chrono::nanoseconds collect_interval{std::chrono::milliseconds(10)};
  unsigned timing_interval = 0;  ///< 0: adaptive
  unsigned sample_hz = 99;
  std::string sample_clock = "cpu";  ///< "cpu" or "wall"
  std::string unwinder = "fp";       ///< "fp" or "libunwind"
  double max_overhead = 0.01;
  std::string cpu_profile_path{};        ///< empty: off
  std::chrono::nanoseconds profile_interval{std::chrono::seconds(10)};
  std::string console_address{};         ///< empty: off
  std::string console_token{};
  std::string http_address{};            ///< empty: off
  std::string http_token{};
  std::string otlp_profiles_endpoint{};  ///< empty: off
  std::map<std::string, std::string> otlp_headers;
  std::map<std::string, std::string> resource_attributes;
  /// The flight recorder's bounds; `flight_recorder_bytes` 0: the recorder is off.
  std::chrono::nanoseconds flight_recorder_window{0};  ///< 0: bounded by bytes only
  std::size_t flight_recorder_bytes = 0;
  std::string trace_dir{};  ///< empty: no automatic traces
  bool trace_on_sigusr2 = false;
  bool read_environment = true;  ///< parts that read their own variables follow this too
};

/// The flight recorder's bounds from `"30s"`, `"64MiB"` or `"30s,64MiB"`; `error` says what
/// is wrong when it returns nullopt. `"off"` and `""` give bytes 0 (off).
struct recorder_bounds {
  std::chrono::nanoseconds window{0};
  std::size_t bytes = 0;
};
std::optional<recorder_bounds> parse_recorder_bounds(std::string_view text, std::string& error);

/// Resolves `explicit_options` against the environment. Each bad value is reported as one
/// line on `errors` (or stderr when `errors` is null) naming the variable, and the default
/// is used instead; this never throws for bad environment values.
/// `environment` is the process's unless tests or embedders inject one.
resolved_options resolve_options(const probe_options& explicit_options,
                                 const env::reader& environment = {},
                                 std::string* errors = nullptr);

}  // namespace coroscope
