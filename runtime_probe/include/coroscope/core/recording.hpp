// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <source_location>
#include <stop_token>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "coroscope/core/lint_firing.hpp"
#include "coroscope/probe_options.hpp"
#include "coroscope/profile.hpp"
#include "coroscope/sampler.hpp"
#include "coroscope/snapshot.hpp"
#include "coroscope/task_dump.hpp"
#include "coroscope/task_executor.hpp"
#include "coroscope/timeline.hpp"

/// The recording core as the agent sees it: what a service reads (a snapshot source, a
/// profile source) and the recording itself. `coroscope::probe` (the agent) is a
/// recording plus the services its options ask for.
namespace coroscope::core {

/// The current values of one probe's recording, for services that serve or publish them.
/// Callable from any thread.
class snapshot_source {
 public:
  virtual ~snapshot_source() = default;
  /// Tasks, workers, await sites, warnings as of now (drains every ring first).
  virtual coroscope::snapshot take_snapshot() const = 0;
  /// Every live task and, for a suspended one, the chain of coroutines it waits in (leaf
  /// first). Safe while the workers run; costs them nothing.
  virtual coroscope::task_dump dump_tasks() const = 0;
  /// The same for task `id` alone: no task when it is not live.
  virtual coroscope::task_dump dump_task(std::uint64_t id) const = 0;
  virtual const resolved_options& options() const noexcept = 0;
  /// The flight recorder's window (drains every ring first): its last `last` (0: all of
  /// it), or nothing when the recorder is off. Safe while workers run; costs them nothing.
  /// `cpu_samples`: with the CPU samples kept for it, symbolized by the caller's thread
  /// (up to tens of ms for a full store); false for a caller that shows no samples.
  /// `after`: a live view's cursor (default-constructed at first); the window then holds
  /// only what was recorded after it (`timeline::partial`) and the cursor moves to its end.
  /// Use it with `last` 0 and without `cpu_samples`: samples and counters are not cut at
  /// the cursor.
  virtual std::optional<coroscope::timeline> trace_window(std::chrono::nanoseconds last,
                                                          bool cpu_samples,
                                                          timeline_cursor* after = nullptr) const = 0;
  /// Lint firings recorded since firing number `after` (see `lint_firing`), oldest first;
  /// empty when the recorder is off. Drains every ring first.
  virtual std::vector<lint_firing> lints_since(std::uint64_t after) const = 0;
  /// Process-unique id of the probe.
  virtual std::uint16_t id() const noexcept = 0;
};

/// CPU profiles over the process-wide sampler, with this probe's sampler settings. For
/// back-to-back windows a service keeps a `detail::cpu_window_series` over
/// `sampler_options()` (coroscope/core/cpu_windows.hpp).
class profile_source {
 public:
  virtual ~profile_source() = default;
  /// Samples for `duration`, or until `stop` is requested, blocking the caller.
  virtual cpu_profile profile_for(std::chrono::nanoseconds duration,
                                  std::stop_token stop = {}) = 0;
  virtual const sampling::sampler_options& sampler_options() const noexcept = 0;
};

/// One probe's recording of one io_context: its tasks and workers are recorded into
/// per-thread rings that the collector thread aggregates.
class recording : public snapshot_source, public profile_source {
 public:
  /// Runs the io_context on `threads` workers (see `probe::run`).
  virtual void run(unsigned threads) = 0;
  /// An executor whose first co_spawn makes a task named `task_name`.
  virtual task_executor executor(std::string_view task_name, std::source_location location) = 0;
  virtual boost::asio::io_context& context() noexcept = 0;
  /// The C++ API's profile window (`probe::start_cpu_profile` / `stop_cpu_profile`).
  virtual void start_cpu_profile() = 0;
  virtual cpu_profile stop_cpu_profile() = 0;
  /// Stops recording: the hooks no longer see this io_context, and the probe's task slots
  /// go back to the pool. Idempotent; destroying the recording does it too. Services that
  /// read the recording stop before this, sinks of samples after it.
  virtual void detach() noexcept = 0;
};

/// Starts recording `io` with `options`. Throws std::runtime_error when the process has
/// too many probes at once.
std::unique_ptr<recording> start_recording(boost::asio::io_context& io,
                                           const probe_options& options);

}  // namespace coroscope::core
