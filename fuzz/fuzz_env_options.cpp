// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Environment variables are outside input: the fuzzer's bytes, split at NUL bytes, become
// the values of the variables the probe reads (in the order below), fed through the
// injected lookup. Bad values must give error lines, never a crash or an exception.
#include <coroscope/probe_options.hpp>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

constexpr std::array<const char*, 21> kVariables = {
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
    "COROSCOPE_HTTP_TOKEN"};

// Values of the current input; a plain function pointer cannot capture, hence static.
std::array<std::string, kVariables.size()> g_values;
std::array<bool, kVariables.size()> g_set;

const char* lookup(const char* name) {
  for (std::size_t i = 0; i < kVariables.size(); ++i)
    if (std::strcmp(name, kVariables[i]) == 0) return g_set[i] ? g_values[i].c_str() : nullptr;
  return nullptr;
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
  // One line per problem, each naming a variable.
  std::string_view rest = errors;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    const auto line = rest.substr(0, nl);
    bool named = false;
    for (const char* v : kVariables) named = named || line.find(v) != line.npos;
    if (!named) std::abort();
    rest = nl == rest.npos ? std::string_view{} : rest.substr(nl + 1);
  }
  return 0;
}
