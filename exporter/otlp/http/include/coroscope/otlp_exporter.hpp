// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/base/env_reader.hpp>
#include <coroscope/otlp.hpp>
#include <coroscope/profile.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// OTLP/HTTP export: `otlp_exporter` sends the requests `encode_otlp_request`
/// (<coroscope/otlp.hpp>) makes to an OpenTelemetry Collector, from a thread of its own,
/// with a Boost.Beast client. Target `coroscope::otlp_http`: it compiles Asio, so it links
/// `coroscope::hooks` (the Asio configuration of every coroscope program); the encoder
/// `coroscope::otlp` does not.
namespace coroscope {

/// The body encoding of OTLP/HTTP requests.
enum class otlp_compression { none, gzip };

/// How `otlp_exporter` sends and retries.
struct otlp_exporter_options {
  /// Full URL of the profiles endpoint, `http://host:port/v1development/profiles`.
  /// Empty: export is off. Only `http://` is supported.
  std::string endpoint;
  /// Extra request headers (e.g. an API key).
  std::vector<std::pair<std::string, std::string>> headers;
  otlp_compression compression = otlp_compression::gzip;
  /// Limit for one whole POST (connect, send, receive).
  std::chrono::milliseconds timeout{10'000};
  /// How often the probe should collect and submit a profile (the exporter itself does
  /// not collect; the probe's collector drives `submit`).
  std::chrono::milliseconds interval{10'000};
  /// Requests waiting to be sent (not counting the one in flight); when full, `submit`
  /// drops the oldest waiting one.
  std::size_t queue_capacity = 8;
  /// What the destructor gives `shutdown` to flush.
  std::chrono::milliseconds shutdown_deadline{5'000};
  /// Backoff for retryable failures (429, 502, 503, 504, connection errors, timeouts):
  /// first delay, doubled per attempt up to the maximum, with jitter; a `Retry-After`
  /// header replaces the computed delay.
  std::chrono::milliseconds retry_initial_backoff{1'000};
  std::chrono::milliseconds retry_max_backoff{30'000};
  /// A request still failing this long after its first attempt is given up (failed).
  std::chrono::milliseconds retry_max_elapsed{60'000};
  /// Who sent the profiles.
  otlp_resource resource;
  /// Where diagnostics go (one line each, without the newline); empty: stderr.
  std::function<void(const std::string&)> log;
  /// Minimum time between two log lines of the same kind (failures, partial success);
  /// lines in between are counted and the count reported with the next one.
  std::chrono::milliseconds log_interval{10'000};

  /// Options from the environment: `OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT` (used as is) or
  /// `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1development/profiles`; `OTEL_EXPORTER_OTLP_HEADERS`
  /// (`k=v,...`, percent-decoded); `OTEL_EXPORTER_OTLP_COMPRESSION` (`gzip`, the default,
  /// or `none`); `OTEL_EXPORTER_OTLP_TIMEOUT` (milliseconds, default 10000); the resource
  /// from `make_otlp_resource(service_name, ...)`. A bad value prints a one-line error
  /// naming the variable on `err` and keeps the default.
  static otlp_exporter_options from_environment(std::string_view service_name, std::ostream& err,
                                                const env::reader& env = {});
};

/// What an `otlp_exporter` did so far.
struct otlp_exporter_stats {
  /// Requests the collector accepted (2xx), and their bytes on the wire (after gzip).
  std::uint64_t sent = 0;
  std::uint64_t bytes = 0;
  /// Requests given up: non-retryable status, retries exhausted, or shutdown deadline.
  std::uint64_t failed = 0;
  /// Attempts repeated after a retryable failure.
  std::uint64_t retried = 0;
  /// Requests dropped unsent: queue full (oldest dropped) or left at shutdown.
  std::uint64_t dropped = 0;
  /// Accepted requests whose response reported a partial success, and the profiles the
  /// collector said it rejected.
  std::uint64_t partial_successes = 0;
  std::uint64_t rejected_profiles = 0;
};

/// Sends profiles to an OTLP/HTTP collector from a thread of its own.
///
/// Threading: `submit`, `stats` and `shutdown` may be called from any thread. `submit`
/// never waits for the network: it moves the profile into a bounded queue (a short lock,
/// no I/O) and returns. The exporter thread encodes, compresses and POSTs one request at
/// a time, retrying as the options say. Memory is bounded by `queue_capacity` profiles
/// plus the one in flight.
class otlp_exporter {
 public:
  /// Starts the exporter thread. Throws `std::invalid_argument` with a one-line message
  /// when the endpoint is empty, not a URL, or not `http://` (https is not supported).
  explicit otlp_exporter(otlp_exporter_options options);
  /// `shutdown(options.shutdown_deadline)`.
  ~otlp_exporter();
  otlp_exporter(const otlp_exporter&) = delete;
  otlp_exporter& operator=(const otlp_exporter&) = delete;

  /// Queues `profile` for export; when the queue is full the oldest waiting request is
  /// dropped (and counted). Returns false, doing nothing, after `shutdown`.
  bool submit(cpu_profile profile);

  /// Stops accepting, sends what is queued until `deadline` has passed (an attempt in
  /// flight is cut at the deadline), counts the rest as dropped, and joins the thread.
  /// Returns true when everything queued was sent or definitively answered. Idempotent.
  bool shutdown(std::chrono::milliseconds deadline);

  otlp_exporter_stats stats() const;
  const otlp_exporter_options& options() const noexcept;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace coroscope
