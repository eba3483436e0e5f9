// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/probe_options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string_view>
#include <utility>

#include <coroscope/base/env_error_line.hpp>
#include <coroscope/base/host_port.hpp>
#include <coroscope/base/key_value_list.hpp>
#include "executable_path.hpp"
#include "recorder_options.hpp"

namespace coroscope {
namespace {

using env::quoted;
using env::trim;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr std::uint64_t kMaxMilliseconds = 24ULL * 60 * 60 * 1000;  // one day
constexpr std::uint64_t kMaxSampleHz = 10'000;
constexpr std::uint64_t kMaxRetainMax = 10'000'000;
constexpr std::string_view kProfilesPath = "/v1development/profiles";

/// The whole of `text` as a decimal integer in [min, max], or nullopt.
std::optional<std::uint64_t> parse_uint(std::string_view text, std::uint64_t min,
                                        std::uint64_t max) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || value < min || value > max) return std::nullopt;
  return value;
}

/// An integer variable in [min, max]; nullopt when unset or bad. A bad value is
/// reported, saying `what` was expected and the default (`fallback`) that is used.
std::optional<std::uint64_t> env_uint(const env::reader& env, const char* name,
                                      std::uint64_t min, std::uint64_t max,
                                      std::string_view what, const std::string& fallback) {
  const auto text = env.trimmed(name);
  if (!text) return std::nullopt;
  if (auto value = parse_uint(*text, min, max)) return value;
  env.report(std::string(name) + '=' + quoted(*text) + " is not a valid " + std::string(what) +
             " (an integer in " + std::to_string(min) + ".." + std::to_string(max) +
             "); using the default " + fallback);
  return std::nullopt;
}

nanoseconds resolve_milliseconds(const std::optional<nanoseconds>& explicit_value,
                                 const env::reader& env, const char* name,
                                 nanoseconds fallback) {
  if (explicit_value) return *explicit_value;
  const auto fallback_ms = std::chrono::duration_cast<milliseconds>(fallback).count();
  const auto ms = env_uint(env, name, 1, kMaxMilliseconds, "duration in milliseconds",
                           std::to_string(fallback_ms) + " ms");
  return ms ? nanoseconds(milliseconds(*ms)) : fallback;
}

std::size_t resolve_retain_max(const probe_options& options, const env::reader& env,
                               std::size_t fallback) {
  if (options.retain_completed_max) return *options.retain_completed_max;
  const auto count = env_uint(env, "COROSCOPE_RETAIN_MAX", 0, kMaxRetainMax, "count",
                              std::to_string(fallback));
  return count ? static_cast<std::size_t>(*count) : fallback;
}

unsigned resolve_timing_interval(const probe_options& options, const env::reader& env) {
  if (options.timing_interval) return std::min(*options.timing_interval, 1024u);
  const auto interval = env_uint(env, "COROSCOPE_TIMING_INTERVAL", 0, 1024,
                                 "interval (0: adaptive)", "0");
  return interval ? static_cast<unsigned>(*interval) : 0;
}

unsigned resolve_sample_hz(const probe_options& options, const env::reader& env,
                           unsigned fallback) {
  if (options.sample_hz) return *options.sample_hz;
  const auto hz = env_uint(env, "COROSCOPE_SAMPLE_HZ", 1, kMaxSampleHz, "sample rate in Hz",
                           std::to_string(fallback));
  return hz ? static_cast<unsigned>(*hz) : fallback;
}

/// One of `choices`: the explicit value, else the variable, else `fallback`. A value not
/// among them is reported and `fallback` used.
std::string resolve_choice(const std::optional<std::string>& explicit_value,
                           const env::reader& env, const char* field, const char* name,
                           std::initializer_list<std::string_view> choices,
                           const std::string& fallback) {
  const std::optional<std::string> text = explicit_value ? explicit_value : env.trimmed(name);
  if (!text) return fallback;
  if (std::find(choices.begin(), choices.end(), *text) != choices.end()) return std::string(*text);
  std::string allowed;
  for (const std::string_view choice : choices)
    allowed += (allowed.empty() ? "" : " or ") + std::string(choice);
  env.report(std::string(explicit_value ? field : name) + '=' + quoted(*text) + " is not " + allowed +
             "; using the default " + fallback);
  return fallback;
}

/// A fraction in (0, 1], written `0.05` or `5%`.
std::optional<double> parse_fraction(std::string_view text) {
  const bool percent = text.ends_with('%');
  if (percent) text.remove_suffix(1);
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  if (percent) value /= 100;
  if (!(value > 0 && value <= 1)) return std::nullopt;
  return value;
}

double resolve_max_overhead(const probe_options& options, const env::reader& env,
                            double fallback) {
  if (options.max_overhead) {
    if (*options.max_overhead > 0 && *options.max_overhead <= 1) return *options.max_overhead;
    env.report("max_overhead=" + std::to_string(*options.max_overhead) +
               " is not a fraction in (0, 1]; using the default " + std::to_string(fallback));
    return fallback;
  }
  const auto text = env.trimmed("COROSCOPE_MAX_OVERHEAD");
  if (!text) return fallback;
  if (auto value = parse_fraction(*text)) return *value;
  env.report("COROSCOPE_MAX_OVERHEAD=" + quoted(*text) +
             " is not a fraction in (0, 1] (e.g. 0.01 or 1%); using the default 0.01");
  return fallback;
}

/// An explicit string option, else the variable as is, else empty.
std::string resolve_string(const std::optional<std::string>& explicit_value,
                           const env::reader& env, const char* name) {
  if (explicit_value) return *explicit_value;
  return env.trimmed(name).value_or(std::string());
}

// --- console address -------------------------------------------------------------------

std::string resolve_console_address(const probe_options& options, const env::reader& env) {
  if (options.console_address) return *options.console_address;
  const auto text = env.trimmed("COROSCOPE_CONSOLE");
  if (!text) return {};
  std::string why;
  if (auto address = base::parse_host_port(*text, why)) return base::to_string(*address);
  env.report("COROSCOPE_CONSOLE=" + quoted(*text) + " is not a valid host:port (" + why +
             "); the console stays off");
  return {};
}

// --- OTLP endpoint ---------------------------------------------------------------------

bool starts_with_no_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

bool is_http_url(std::string_view url) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (starts_with_no_case(url, scheme) && url.size() > scheme.size()) return true;
  }
  return false;
}

/// An http(s) URL variable; nullopt when unset or bad (bad is reported).
std::optional<std::string> env_url(const env::reader& env, const char* name) {
  const auto url = env.trimmed(name);
  if (!url || is_http_url(*url)) return url;
  env.report(std::string(name) + '=' + quoted(*url) +
             " is not an http:// or https:// URL; ignoring it");
  return std::nullopt;
}

/// `base` + `path` with exactly one slash between them.
std::string join_url_path(std::string_view base, std::string_view path) {
  while (base.ends_with('/')) base.remove_suffix(1);
  return std::string(base) + std::string(path);
}

std::string resolve_profiles_endpoint(const probe_options& options, const env::reader& env) {
  if (options.otlp_profiles_endpoint) return *options.otlp_profiles_endpoint;
  if (const auto url = env_url(env, "OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT")) {
    return *url;
  }
  if (const auto base = env_url(env, "OTEL_EXPORTER_OTLP_ENDPOINT")) {
    return join_url_path(*base, kProfilesPath);
  }
  return {};
}

// --- key=value lists -------------------------------------------------------------------

/// Parses `k=v,k2=v2` from variable `name` (base::parse_key_value_list). A malformed entry
/// is reported and skipped. A repeated key keeps its last value.
std::map<std::string, std::string> parse_key_values(std::string_view text, const char* name,
                                                    const env::reader& env) {
  auto parsed = base::parse_key_value_list(text);
  for (const std::string& e : parsed.errors)
    env.report(std::string(name) + " entry " + e + "; skipping it");
  std::map<std::string, std::string> result;
  for (auto& [key, value] : parsed.pairs) result.insert_or_assign(std::move(key), std::move(value));
  return result;
}

std::map<std::string, std::string> resolve_key_values(
    const std::optional<std::map<std::string, std::string>>& explicit_value,
    const env::reader& env, const char* name) {
  if (explicit_value) return *explicit_value;
  const auto text = env.trimmed(name);
  return text ? parse_key_values(*text, name, env) : std::map<std::string, std::string>{};
}

// --- service name ----------------------------------------------------------------------

/// The basename of the running binary, or empty when it cannot be read.
std::string executable_name() {
  const std::string path = detail::executable_path();
  return path.substr(path.rfind('/') + 1);  // npos + 1 == 0
}

std::string resolve_service_name(const probe_options& options, const env::reader& env,
                                 const std::map<std::string, std::string>& attributes) {
  if (!options.service_name.empty()) return options.service_name;
  if (auto name = env.trimmed("OTEL_SERVICE_NAME")) return *std::move(name);
  if (const auto it = attributes.find("service.name");
      it != attributes.end() && !it->second.empty()) {
    return it->second;
  }
  if (std::string name = executable_name(); !name.empty()) return name;
  return "unknown_service";
}

}  // namespace

resolved_options resolve_options(const probe_options& explicit_options,
                                 const env::reader& environment, std::string* errors) {
  const probe_options& in = explicit_options;
  env::reader env = in.read_environment ? environment : env::reader::empty();
  if (errors != nullptr) env = env.reporting_to([errors](const std::string& line) { errors->append(line); });
  const resolved_options defaults;

  resolved_options out;
  out.slow_poll_threshold = resolve_milliseconds(in.slow_poll_threshold, env,
                                                 "COROSCOPE_SLOW_POLL_MS",
                                                 defaults.slow_poll_threshold);
  out.slow_await_threshold = resolve_milliseconds(in.slow_await_threshold, env,
                                                  "COROSCOPE_SLOW_AWAIT_MS",
                                                  defaults.slow_await_threshold);
  out.stuck_threshold = resolve_milliseconds(in.stuck_threshold, env, "COROSCOPE_STUCK_MS",
                                             defaults.stuck_threshold);
  out.never_yielded_threshold = resolve_milliseconds(in.never_yielded_threshold, env,
                                                     "COROSCOPE_NEVER_YIELDED_MS",
                                                     defaults.never_yielded_threshold);
  out.retain_completed_for = resolve_milliseconds(in.retain_completed_for, env,
                                                  "COROSCOPE_RETAIN_MS",
                                                  defaults.retain_completed_for);
  out.retain_completed_max = resolve_retain_max(in, env, defaults.retain_completed_max);
  out.collect_interval = resolve_milliseconds(in.collect_interval, env, "COROSCOPE_COLLECT_MS",
                                              defaults.collect_interval);
  out.timing_interval = resolve_timing_interval(in, env);
  out.sample_hz = resolve_sample_hz(in, env, defaults.sample_hz);
  out.sample_clock = resolve_choice(in.sample_clock, env, "sample_clock",
                                    "COROSCOPE_SAMPLE_CLOCK", {"cpu", "wall"},
                                    defaults.sample_clock);
  out.unwinder = resolve_choice(in.unwinder, env, "unwinder", "COROSCOPE_UNWINDER",
                                {"fp", "libunwind"}, defaults.unwinder);
  out.max_overhead = resolve_max_overhead(in, env, defaults.max_overhead);
  out.profile_interval = resolve_milliseconds(in.profile_interval, env,
                                              "COROSCOPE_PROFILE_INTERVAL_MS",
                                              defaults.profile_interval);
  out.cpu_profile_path = resolve_string(in.cpu_profile_path, env, "COROSCOPE_CPU_PROFILE");
  out.console_address = resolve_console_address(in, env);
  out.console_token = resolve_string(in.console_token, env, "COROSCOPE_CONSOLE_TOKEN");
  out.http_address = resolve_string(in.http_address, env, "COROSCOPE_HTTP");
  out.http_token = resolve_string(in.http_token, env, "COROSCOPE_HTTP_TOKEN");
  out.otlp_profiles_endpoint = resolve_profiles_endpoint(in, env);
  out.read_environment = in.read_environment;
  out.otlp_headers = resolve_key_values(in.otlp_headers, env, "OTEL_EXPORTER_OTLP_HEADERS");
  out.resource_attributes = resolve_key_values(in.resource_attributes, env,
                                               "OTEL_RESOURCE_ATTRIBUTES");
  out.service_name = resolve_service_name(in, env, out.resource_attributes);
  detail::resolve_recorder_options(in, env, out);
  return out;
}

}  // namespace coroscope
