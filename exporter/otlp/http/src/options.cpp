// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/otlp_exporter.hpp>

#include <coroscope/base/key_value_list.hpp>
#include "url.hpp"

#include <coroscope/base/env_error_line.hpp>

#include <charconv>
#include <ostream>
#include <stdexcept>

namespace coroscope {
namespace {

constexpr std::string_view profiles_path = "/v1development/profiles";

// Checks the URL now, so a typo is reported once at startup rather than on every export.
bool valid_endpoint(const std::string& url, std::string_view variable, std::ostream& err) {
  try {
    detail::parse_http_endpoint(url);
    return true;
  } catch (const std::invalid_argument& e) {
    err << env::error_line(std::string(variable) + ": " + e.what() + "; OTLP export stays off");
    return false;
  }
}

}  // namespace

otlp_exporter_options otlp_exporter_options::from_environment(std::string_view service_name,
                                                               std::ostream& err,
                                                               const env::reader& env) {
  otlp_exporter_options o;
  o.resource = make_otlp_resource(service_name, err, env);

  if (auto url = env.non_empty("OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT")) {
    if (valid_endpoint(*url, "OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", err)) o.endpoint = *url;
  } else if (auto base = env.non_empty("OTEL_EXPORTER_OTLP_ENDPOINT")) {
    std::string url = *base;
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += profiles_path;
    if (valid_endpoint(url, "OTEL_EXPORTER_OTLP_ENDPOINT", err)) o.endpoint = std::move(url);
  }

  if (auto headers = env.non_empty("OTEL_EXPORTER_OTLP_HEADERS")) {
    auto parsed = base::parse_key_value_list(*headers);
    for (const std::string& e : parsed.errors)
      err << env::error_line("OTEL_EXPORTER_OTLP_HEADERS: " + e + "; header skipped");
    o.headers = std::move(parsed.pairs);
  }

  if (auto compression = env.non_empty("OTEL_EXPORTER_OTLP_COMPRESSION")) {
    if (*compression == "gzip") {
      o.compression = otlp_compression::gzip;
    } else if (*compression == "none") {
      o.compression = otlp_compression::none;
    } else {
      err << env::error_line("OTEL_EXPORTER_OTLP_COMPRESSION", *compression,
                             "is neither gzip nor none; using gzip");
    }
  }

  if (auto timeout = env.non_empty("OTEL_EXPORTER_OTLP_TIMEOUT")) {
    std::int64_t ms = 0;
    const char* end = timeout->data() + timeout->size();
    auto [ptr, ec] = std::from_chars(timeout->data(), end, ms);
    if (ec != std::errc{} || ptr != end || ms <= 0) {
      err << env::error_line("OTEL_EXPORTER_OTLP_TIMEOUT", *timeout,
                             "is not a positive number of milliseconds; using " +
                                 std::to_string(o.timeout.count()));
    } else {
      o.timeout = std::chrono::milliseconds(ms);
    }
  }
  return o;
}

}  // namespace coroscope
