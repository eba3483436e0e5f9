// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/base/env_reader.hpp>
#include <coroscope/function_names.hpp>
#include <coroscope/profile.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

/// OTLP profiles export: a `cpu_profile` becomes an
/// `opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest`,
/// sent to an OpenTelemetry Collector over OTLP/HTTP (protobuf) by `otlp_exporter`, or
/// appended to a file by `otlp_file_sink` and read back by `otlp_dump`.
/// No protobuf type appears here; the generated code is private to the library.
namespace coroscope {

/// The value of an OTLP attribute: a string or an integer.
using otlp_value = std::variant<std::string, std::int64_t>;

/// One attribute, e.g. `service.name = "checkout"` or `process.pid = 4242`.
struct otlp_attribute {
  std::string key;
  otlp_value value;
  bool operator==(const otlp_attribute&) const = default;
};

/// Who produced the profiles: the OTLP Resource attributes plus the instrumentation scope.
struct otlp_resource {
  /// Resource attributes, keys unique, in insertion order.
  std::vector<otlp_attribute> attributes;
  /// Instrumentation scope name (`coroscope`).
  std::string scope_name = "coroscope";
  /// Instrumentation scope version (the project version).
  std::string scope_version;

  /// The value of `key`, or nullptr.
  const otlp_value* find(std::string_view key) const;
  /// Sets `key` to `value`, replacing an earlier value of the same key.
  void set(std::string key, otlp_value value);
};

/// Builds the resource of this process, as OpenTelemetry SDKs do:
/// `process.pid`, `process.executable.name`, `host.name`; then every `k=v` of
/// `OTEL_RESOURCE_ATTRIBUTES` (comma separated, percent-decoded; a malformed entry is
/// skipped with a one-line error on `err` naming the variable); then `service.name` from
/// `service_name` when not empty, else `OTEL_SERVICE_NAME`, else the one from
/// `OTEL_RESOURCE_ATTRIBUTES`, else `unknown_service:<executable name>`.
/// The scope is `coroscope` with the project version.
otlp_resource make_otlp_resource(std::string_view service_name, std::ostream& err,
                                 const env::reader& env = {});

/// Encodes `profile` as a serialized ExportProfilesServiceRequest with one
/// ResourceProfiles / ScopeProfiles / Profile and a deduplicated dictionary whose tables
/// all hold their zero value at index 0 (`string_table[0] == ""`, `link_table[0]` with an
/// all-zero 16-byte trace id and 8-byte span id, ...).
///
/// Sample type `samples/count`, period type `cpu/nanoseconds`, `period = period_ns`.
/// Samples with the same stack, attributes and link share one OTLP Sample whose `values`
/// and `timestamps_unix_nano` list each event (samples without a timestamp are summed into
/// one value instead). Stacks are leaf first; frames with a module get a Mapping carrying
/// the build id as `process.executable.build_id.gnu`; task frames are Functions named
/// after the task (system name `coroscope.task:<name>`). Sample labels become attributes:
/// `thread.name` (label `thread.name` or `thread`), `thread.id` (`thread.id` or
/// `thread_id`), `coroscope.task.name` (`task`), `coroscope.task.id` (`task_id`),
/// `coroscope.worker` (`worker`); others keep their key. Labels `trace_id` (32 hex digits)
/// and `span_id` (16 hex digits) become the sample's Link; without them (or when either is
/// malformed or all zero) `link_index` is 0.
std::string encode_otlp_request(const cpu_profile& profile, const otlp_resource& resource);

/// One Profile of a decoded request, with its resource and scope.
struct otlp_decoded_profile {
  otlp_resource resource;
  /// `type/unit` of the sample type and the period type, e.g. `samples/count`.
  std::string sample_type;
  std::string period_type;
  /// The profile id as 32 hex digits (empty when unset).
  std::string profile_id;
  /// Samples: one per (value, timestamp) event, count = value, cpu_ns = value * period.
  /// Attributes become labels again (`task`, `task_id`, `worker`, `thread.name`,
  /// `thread.id`, others by key); a link becomes `trace_id`/`span_id` hex labels.
  cpu_profile profile;
};

/// Decodes a serialized ExportProfilesServiceRequest: every Profile of every
/// ResourceProfiles/ScopeProfiles. Throws `std::runtime_error("not an OTLP profiles
/// request: ...")` on bytes that do not parse or indices outside their tables.
std::vector<otlp_decoded_profile> decode_otlp_request(std::string_view bytes);

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

/// Appends requests to a file in protobuf's delimited format (varint length, then the
/// serialized ExportProfilesServiceRequest), for offline use. Thread-safe.
class otlp_file_sink {
 public:
  /// Opens (creates) `path` for appending. Throws `std::runtime_error` naming the path
  /// and the system error when it cannot.
  explicit otlp_file_sink(std::string path);
  ~otlp_file_sink();
  otlp_file_sink(const otlp_file_sink&) = delete;
  otlp_file_sink& operator=(const otlp_file_sink&) = delete;

  /// Appends one already serialized request. Throws `std::runtime_error` on write errors.
  void append(std::string_view request);
  /// Encodes `profile` with `resource` and appends it.
  void append(const cpu_profile& profile, const otlp_resource& resource);

  const std::string& path() const noexcept { return path_; }

  /// The path in `COROSCOPE_OTLP_FILE`, or empty when unset.
  static std::string path_from_environment(const env::reader& env = {});

 private:
  std::string path_;
  struct state;
  std::unique_ptr<state> state_;
};

/// Reads every request of a file written by `otlp_file_sink`. Throws
/// `std::runtime_error` (naming the path) when it cannot be read, or a record is
/// truncated or not a request.
std::vector<std::vector<otlp_decoded_profile>> read_otlp_file(const std::string& path);

/// `coroscope otlp-dump FILE`: prints every request of `path` readably (resource
/// attributes, scope, sample and period types, each sample with its values, timestamps,
/// attributes, link and stack with function names in `names`). Returns 0, or 2 after a
/// one-line error on `err` when the file cannot be read or is not an OTLP profiles file.
int otlp_dump(const std::string& path, std::ostream& out, std::ostream& err,
              name_style names = name_style::short_names);

}  // namespace coroscope
