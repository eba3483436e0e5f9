// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The one way coroscope reads environment variables: the probe's options, the OTLP
// exporter's, continuous profiling's. Tests and embedders inject their own lookup instead
// of touching the process environment.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace coroscope::env {

/// `text` without the white space (space, \t, \r, \n, \f, \v) around it.
std::string_view trim(std::string_view text);

/// Reads environment variables, from the process (`getenv`) or from an injected lookup,
/// and reports bad values as one line each (see `error_line`), to stderr or to a sink.
/// Cheap to copy; reading is thread-safe when the lookup and the sink are.
class reader {
 public:
  /// The injected form: the value, or nothing when unset.
  using lookup_fn = std::function<std::optional<std::string>(std::string_view name)>;
  /// Where report lines go (each ends with its newline).
  using sink_fn = std::function<void(const std::string& line)>;

  /// The process environment; reports go to stderr.
  reader() = default;
  /// Variables from `lookup` (a callable taking the name, returning optional<string>).
  template <class Lookup>
    requires std::is_invocable_r_v<std::optional<std::string>, Lookup&, std::string_view>
  reader(Lookup lookup) : lookup_(std::move(lookup)) {}  // NOLINT: implicit, like std::function
  /// Variables from a getenv-shaped function (nullptr: the process environment).
  reader(const char* (*getenv_like)(const char* name));  // NOLINT: implicit

  /// An environment where every variable is unset.
  static reader empty();

  /// This reader with `names` unset (variables another reader has already read and
  /// reported on).
  reader without(std::vector<std::string> names) const;
  /// This reader, its reports going to `sink` instead of stderr.
  reader reporting_to(sink_fn sink) const;

  /// The value as it is; nothing when unset.
  std::optional<std::string> raw(std::string_view name) const;
  /// The value; nothing when unset or empty (OpenTelemetry treats an empty variable as
  /// unset).
  std::optional<std::string> non_empty(std::string_view name) const;
  /// The value without surrounding white space; nothing when unset or blank.
  std::optional<std::string> trimmed(std::string_view name) const;

  /// Reports `text` as one line (`error_line(text)`): values in it shown with `quoted`.
  void report(std::string_view text) const;
  /// Reports a bad value: `error_line(name, value, problem)`.
  void report(std::string_view name, std::string_view value, std::string_view problem) const;

 private:
  void write(const std::string& line) const;

  lookup_fn lookup_;  ///< empty: getenv
  sink_fn sink_;      ///< empty: stderr
};

}  // namespace coroscope::env
