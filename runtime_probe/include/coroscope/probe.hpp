// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <memory>
#include <source_location>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "coroscope/probe_options.hpp"
#include "coroscope/snapshot.hpp"
#include "coroscope/task_executor.hpp"

namespace coroscope {

namespace detail {
class probe_core;
}

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
  /// Call it once per spawn (a second co_spawn on the same executor joins the first task).
  task_executor executor(std::string_view task_name,
                         std::source_location location = std::source_location::current());

  /// Runs the io_context on `threads` workers (the caller is worker 0; the others are
  /// named coroscope-w1, coroscope-w2, ...) and returns when it runs out of work or is
  /// stopped. An exception escaping a handler stops the io_context and is rethrown here.
  void run(unsigned threads = 1);

  /// The current values: tasks, workers, await sites, warnings.
  coroscope::snapshot snapshot() const;

  const resolved_options& options() const noexcept;
  boost::asio::io_context& context() noexcept;
  /// Process-unique id of this probe (tags its events).
  std::uint16_t id() const noexcept;

 private:
  std::unique_ptr<detail::probe_core> core_;
};

}  // namespace coroscope
