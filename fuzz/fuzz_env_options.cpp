// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Environment variables are outside input: the fuzzer's bytes, split at NUL bytes, become
// the values of the variables the probe and the OTLP exporter read (in the order below),
// fed through the injected lookups. Bad values must give error lines, never a crash or an
// exception; and each line must stay one line of bounded length naming a variable, however
// many newlines, escapes or bytes the value holds.
#include <coroscope/base/env_error_line.hpp>
#include <coroscope/otlp_exporter.hpp>
#include <coroscope/probe_options.hpp>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <string_view>

namespace {

// New variables go at the end: the seed corpus gives values in this order.
constexpr std::array<const char*, 26> kVariables = {
    "OTEL_SERVICE_NAME",        "COROSCOPE_SLOW_POLL_MS",
    "COROSCOPE_SLOW_AWAIT_MS",  "COROSCOPE_STUCK_MS",
    "COROSCOPE_NEVER_YIELDED_MS", "COROSCOPE_RETAIN_MS",
    "COROSCOPE_RETAIN_MAX",     "COROSCOPE_COLLECT_MS",
    "COROSCOPE_SAMPLE_HZ",      "COROSCOPE_SAMPLE_CLOCK",
    "COROSCOPE_UNWINDER",       "COROSCOPE_MAX_OVERHEAD",
    "COROSCOPE_CPU_PROFILE",    "COROSCOPE_CONSOLE",
    "COROSCOPE_CONSOLE_TOKEN",  "OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS",
    "OTEL_RESOURCE_ATTRIBUTES", "COROSCOPE_HTTP",
    "COROSCOPE_HTTP_TOKEN",     "OTEL_EXPORTER_OTLP_COMPRESSION",
    "OTEL_EXPORTER_OTLP_TIMEOUT", "COROSCOPE_FLIGHT_RECORDER",
    "COROSCOPE_TRACE_DIR",      "COROSCOPE_TRACE_ON_SIGUSR2"};

// Values of the current input; a plain function pointer cannot capture, hence static.
std::array<std::string, kVariables.size()> g_values;
std::array<bool, kVariables.size()> g_set;

const char* lookup(const char* name) {
  for (std::size_t i = 0; i < kVariables.size(); ++i)
    if (std::strcmp(name, kVariables[i]) == 0) return g_set[i] ? g_values[i].c_str() : nullptr;
  return nullptr;
}

/// Every line of `report` is one bounded, printable line naming a variable.
void check_report(std::string_view report) {
  while (!report.empty()) {
    const auto nl = report.find('\n');
    if (nl == report.npos) std::abort();  // a report ends with its newline
    const auto line = report.substr(0, nl);
    if (line.size() + 1 > coroscope::env::kMaxLine) std::abort();
    for (const char c : line)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) std::abort();
    bool named = false;
    for (const char* v : kVariables) named = named || line.find(v) != line.npos;
    if (!named) std::abort();
    report.remove_prefix(nl + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (std::size_t i = 0; i < kVariables.size(); ++i) {
    const auto end = in.find('\0');
    g_set[i] = !in.empty();
    g_values[i] = std::string(in.substr(0, end));
    in = end == in.npos ? std::string_view{} : in.substr(end + 1);
  }
  std::string errors;
  const auto r = coroscope::resolve_options({}, &lookup, &errors);
  // Whatever came in, the result is usable.
  if (r.sample_clock != "cpu" && r.sample_clock != "wall") std::abort();
  if (r.unwinder != "fp" && r.unwinder != "libunwind") std::abort();
  if (r.slow_poll_threshold.count() < 0 || r.collect_interval.count() < 0) std::abort();
  check_report(errors);

  // The OTLP exporter reads its own variables.
  std::ostringstream otlp_errors;
  const auto o = coroscope::otlp_exporter_options::from_environment(
      "fuzz", otlp_errors, [](std::string_view name) -> std::optional<std::string> {
        const char* value = lookup(std::string(name).c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
      });
  if (o.timeout.count() <= 0) std::abort();
  check_report(otlp_errors.str());
  return 0;
}
