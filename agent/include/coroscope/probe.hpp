// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <source_location>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "coroscope/probe_options.hpp"
#include "coroscope/profile.hpp"
#include "coroscope/sampler.hpp"
#include "coroscope/snapshot.hpp"
#include "coroscope/task_dump.hpp"
#include "coroscope/task_executor.hpp"
#include "coroscope/timeline.hpp"

namespace coroscope {

namespace core {
class recording;
}
namespace agent {
class service;
}
struct console_source;

/// Wraps an io_context: tasks spawned on its executors and the workers of `run` are
/// recorded into per-thread rings that a collector thread aggregates.
///
///   boost::asio::io_context io;
///   coroscope::probe probe{io, {.service_name = "checkout"}};
///   boost::asio::co_spawn(probe.executor("accept-loop"), accept_loop(), detached);
///   probe.run(4);
///
/// Destroy the probe before the io_context's last handler could still run (declare it
/// after the io_context). Several probes may exist at once, one per io_context.
class probe {
 public:
  explicit probe(boost::asio::io_context& io, probe_options options = {});
  ~probe();
  probe(const probe&) = delete;
  probe& operator=(const probe&) = delete;

  /// An executor for one new task named `task_name`: `co_spawn` on it makes that task.
  /// The name goes to the first co_spawn on it (or on a copy); a later co_spawn on the same
  /// executor is a task of its own, named after its coroutine as every unnamed task is.
  task_executor executor(std::string_view task_name,
                         std::source_location location = std::source_location::current());

  /// Runs the io_context on `threads` workers (the caller is worker 0; the others are
  /// named coroscope-w1, coroscope-w2, ...) and returns when it runs out of work or is
  /// stopped. An exception escaping a handler stops the io_context and is rethrown here.
  void run(unsigned threads = 1);

  /// The current values: tasks, workers, await sites, warnings.
  coroscope::snapshot snapshot() const;

  /// Where every live task is now, like Go's goroutine dump: its state and, when it is
  /// suspended, its async stack (the coroutines awaiting one another, leaf first).
  /// `to_string(dump)` / `write_dump(out, dump)` give the text form. Safe while the
  /// workers run (a task that keeps running says `running`); costs them nothing.
  coroscope::task_dump dump_tasks() const;

  /// The flight recorder's window (`flight_recorder` / `COROSCOPE_FLIGHT_RECORDER`): its
  /// last `last` (0: all of it), or nothing when the recorder is off. It holds the CPU
  /// samples taken on the workers (the recorder keeps the sampler running), which the
  /// calling thread symbolizes. Safe while the workers run; costs them nothing.
  std::optional<coroscope::timeline> trace_window(std::chrono::nanoseconds last = {}) const;
  /// Writes `trace_window(last)` to `path` as a Perfetto trace (open it in
  /// ui.perfetto.dev). False when the recorder is off; throws `std::runtime_error` naming
  /// the path when it cannot be written.
  bool write_trace(const std::string& path, std::chrono::nanoseconds last = {}) const;

  const resolved_options& options() const noexcept;
  boost::asio::io_context& context() noexcept;
  /// Process-unique id of this probe (tags its events).
  std::uint16_t id() const noexcept;

  /// CPU profiles. The sampler is process-wide: a profile holds the samples of every
  /// probe's workers (and of threads registered with `sampling::register_current_thread`),
  /// labelled by task, worker and trace. Starts sampling (at `sample_hz`, ...) unless it
  /// is on already; a second start before a stop does nothing.
  void start_cpu_profile();
  /// The profile since `start_cpu_profile`, symbolized (empty if none was started).
  /// Sampling stops when no other profile needs it. Not on a worker of this probe.
  cpu_profile stop_cpu_profile();
  /// Samples for `duration`, blocking the caller (not a worker of this probe), and returns
  /// that window's profile. Independent of `start_cpu_profile`.
  cpu_profile profile_cpu(std::chrono::nanoseconds duration);
  /// The sampler's counters: samples, drops, requested and effective rate, overhead.
  sampling::sampler_stats sampler_stats() const;

  /// Port of the live console server; 0 when `console_address` / `COROSCOPE_CONSOLE` is
  /// off or the server could not start (the reason went to stderr).
  std::uint16_t console_port() const noexcept;
  /// Port of the HTTP debug endpoints; 0 when `http_address` / `COROSCOPE_HTTP` is off or
  /// the server could not start (the reason went to stderr).
  std::uint16_t http_port() const noexcept;

 private:
  friend console_source make_console_source(probe& p);

  /// The services' port, 0 when `name` is not running.
  std::uint16_t port_of(std::string_view name) const noexcept;

  // A probe is its recording (the core) plus the services its options ask for (the
  // agent, agent/src/services.hpp), started in order and stopped in reverse before the
  // recording goes.
  std::unique_ptr<core::recording> core_;
  std::vector<std::unique_ptr<agent::service>> services_;
};

}  // namespace coroscope
