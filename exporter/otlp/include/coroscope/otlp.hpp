// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/base/env_reader.hpp>
#include <coroscope/function_names.hpp>
#include <coroscope/profile.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

/// OTLP profiles export: a `cpu_profile` becomes an
/// `opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest`,
/// appended to a file by `otlp_file_sink` and read back by `otlp_dump`; a collector's
/// answer is decoded by `decode_otlp_response`. Sending over OTLP/HTTP is
/// `otlp_exporter` (<coroscope/otlp_exporter.hpp>, target `coroscope::otlp_http`).
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

/// What a collector reported about a request it accepted only in part.
struct otlp_partial_success {
  /// Profiles of the request the collector rejected.
  std::int64_t rejected_profiles = 0;
  /// Why, in the collector's words (may be empty).
  std::string error_message;
};

/// Decodes the body of a collector's 2xx answer, a serialized
/// ExportProfilesServiceResponse. Nothing when the body is empty or does not parse, or when
/// it reports no partial success (no rejected profiles and no message): the request was
/// accepted whole.
std::optional<otlp_partial_success> decode_otlp_response(std::string_view body);

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
