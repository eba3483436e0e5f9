// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <string_view>

namespace coroscope::agent {

/// One thing a probe runs beside its recording: a server, an exporter, a file it writes.
/// A service is made over the recording's sources (coroscope/core/recording.hpp) and the
/// probe's options, started once, and stopped once; it runs on threads of its own.
class service {
 public:
  virtual ~service() = default;

  /// Short name, for messages and for `probe` to find a service's port.
  virtual std::string_view name() const noexcept = 0;
  /// Starts when the probe's options ask for this service. False when they do not, or
  /// when it cannot start (it said why on one line of stderr; the program goes on).
  virtual bool start() = 0;
  /// Stops: joins its threads, flushes and writes what it owes. Called once, after a
  /// successful start.
  virtual void stop() = 0;
  /// The port it listens on; 0 for a service that does not listen.
  virtual std::uint16_t port() const noexcept { return 0; }
  /// True for a sink that must see the recording's end (the last OTLP interval, the heap
  /// and whole-run profile files): it stops after the recording detaches. The others (the
  /// servers that read snapshots) stop before it.
  virtual bool outlives_recording() const noexcept { return false; }
};

}  // namespace coroscope::agent
