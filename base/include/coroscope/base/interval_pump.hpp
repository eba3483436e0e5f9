// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The one thread that runs a periodic sink: the probe's OTLP export, continuous profiling
// (profile files, Pyroscope push). Never runs on the application's threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

namespace coroscope::base {

/// The deadline after `deadline` for a pump with period `interval`, at time `now`: one
/// interval on, so late ticks do not push later ones back (no drift); but when `now` is
/// already past that (a tick ran longer than an interval, the machine was suspended), one
/// interval from `now`: missed ticks are skipped, not run back to back.
std::chrono::steady_clock::time_point next_deadline(std::chrono::steady_clock::time_point deadline,
                                                    std::chrono::nanoseconds interval,
                                                    std::chrono::steady_clock::time_point now);

/// Calls `tick` every `interval` on a thread of its own, from `start` until `stop`.
///
/// Threading: `start`, `stop` and the destructor are called by the owner (one thread);
/// `tick` runs only on the pump's thread, one call at a time. `tick` gets a stop token
/// that is requested when `stop` is called, so a long tick (a retry loop, a wait) can end
/// early; the final tick (`final_tick`) gets one that is never requested, since it runs
/// because of the stop. An exception from `tick` is reported as one line, once per run of
/// failures (again only after a tick has succeeded), and the pump goes on.
class interval_pump {
 public:
  using tick_fn = std::function<void(std::stop_token)>;
  /// Receives a failing tick's message (without `coroscope: ` or a newline).
  using report_fn = std::function<void(const std::string& message)>;

  struct options {
    /// Time between ticks; a non-positive one is taken as 1 s.
    std::chrono::nanoseconds interval{std::chrono::seconds(1)};
    /// The thread's name (at most 15 bytes show), e.g. `coroscope-otlp`.
    std::string thread_name = "coroscope-pump";
    /// Names the sink in the report of a failing tick: `<what>: <exception message>`.
    std::string what = "periodic export";
    /// Run `tick` once more when stopped (to send the last partial interval).
    bool final_tick = false;
    /// Where a failing tick is reported; empty: `env::report` (one line on stderr).
    report_fn report;
  };

  interval_pump(options options, tick_fn tick);
  /// Stops (see `stop`).
  ~interval_pump();
  interval_pump(const interval_pump&) = delete;
  interval_pump& operator=(const interval_pump&) = delete;

  /// Starts the thread; the first tick is one interval from now. No-op when running.
  void start();
  /// Requests stop, wakes the thread, runs the final tick if asked, joins. Idempotent.
  void stop();
  bool running() const noexcept { return thread_.joinable(); }

 private:
  void run(std::stop_token stop);
  void call(std::stop_token token);
  void failed(std::string_view why);

  options options_;
  tick_fn tick_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  bool failing_ = false;  ///< pump thread only
  std::jthread thread_;
};

}  // namespace coroscope::base
