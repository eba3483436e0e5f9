// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Resource detection, options from the environment (good and bad values), and the
// retry helpers.
#include <coroscope/otlp_exporter.hpp>

#include "fake_env.hpp"
#include "retry.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <map>
#include <sstream>
#include <stdexcept>

namespace {

using coroscope::otlp_exporter_options;
using coroscope::otlp_resource;

using coroscope::test::fake_env;
using coroscope::test::lines;

std::string text(const otlp_resource& r, std::string_view key) {
  const auto* v = r.find(key);
  if (v == nullptr) return "<unset>";
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  return std::to_string(std::get<std::int64_t>(*v));
}

TEST(OtlpResource, ServiceNameFromTheOptionWins) {
  std::ostringstream err;
  auto r = coroscope::make_otlp_resource("checkout", err, fake_env({{"OTEL_SERVICE_NAME", "from-env"}}));
  EXPECT_EQ(text(r, "service.name"), "checkout");
  EXPECT_EQ(err.str(), "");
}

TEST(OtlpResource, ServiceNameFromOtelServiceName) {
  std::ostringstream err;
  auto r = coroscope::make_otlp_resource(
      "", err, fake_env({{"OTEL_SERVICE_NAME", "from-env"}, {"OTEL_RESOURCE_ATTRIBUTES", "service.name=attr"}}));
  EXPECT_EQ(text(r, "service.name"), "from-env");
  r = coroscope::make_otlp_resource("", err, fake_env({{"OTEL_RESOURCE_ATTRIBUTES", "service.name=attr"}}));
  EXPECT_EQ(text(r, "service.name"), "attr");
}

TEST(OtlpResource, UnknownServiceNamesTheExecutable) {
  std::ostringstream err;
  auto r = coroscope::make_otlp_resource("", err, fake_env({}));
  EXPECT_EQ(text(r, "service.name"), "unknown_service:" + text(r, "process.executable.name"));
  EXPECT_EQ(text(r, "process.executable.name"), "coroscope_otlp_tests");
  EXPECT_EQ(text(r, "process.pid"), std::to_string(::getpid()));
  EXPECT_NE(text(r, "host.name"), "<unset>");
  EXPECT_EQ(r.scope_name, "coroscope");
  EXPECT_FALSE(r.scope_version.empty());
}

TEST(OtlpResource, ResourceAttributesArePercentDecodedAndBadOnesSkipped) {
  std::ostringstream err;
  auto r = coroscope::make_otlp_resource(
      "svc", err,
      fake_env({{"OTEL_RESOURCE_ATTRIBUTES",
                 " deployment.environment = prod%2Ceu , team=a%3Db,oops,=novalue,bad=%zz,k8s.pod.name=p-1"}}));
  EXPECT_EQ(text(r, "deployment.environment"), "prod,eu");
  EXPECT_EQ(text(r, "team"), "a=b");
  EXPECT_EQ(text(r, "k8s.pod.name"), "p-1");
  EXPECT_EQ(text(r, "bad"), "<unset>");
  EXPECT_EQ(lines(err.str()), 3u) << err.str();
  std::istringstream in(err.str());
  for (std::string line; std::getline(in, line);)
    EXPECT_NE(line.find("OTEL_RESOURCE_ATTRIBUTES"), std::string::npos) << line;
  EXPECT_NE(err.str().find("\"oops\""), std::string::npos);
}

TEST(OtlpOptions, ProfilesEndpointIsUsedAsIs) {
  std::ostringstream err;
  auto o = otlp_exporter_options::from_environment(
      "svc", err,
      fake_env({{"OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", "http://collector:4318/custom/path"},
                {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://other:4318"}}));
  EXPECT_EQ(o.endpoint, "http://collector:4318/custom/path");
  EXPECT_EQ(err.str(), "");
}

TEST(OtlpOptions, BaseEndpointGetsTheProfilesPath) {
  std::ostringstream err;
  auto o = otlp_exporter_options::from_environment("svc", err,
                                                   fake_env({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"}}));
  EXPECT_EQ(o.endpoint, "http://collector:4318/v1development/profiles");
}

TEST(OtlpOptions, DefaultsWithoutEnvironment) {
  std::ostringstream err;
  auto o = otlp_exporter_options::from_environment("svc", err, fake_env({}));
  EXPECT_TRUE(o.endpoint.empty());
  EXPECT_TRUE(o.headers.empty());
  EXPECT_EQ(o.compression, coroscope::otlp_compression::gzip);
  EXPECT_EQ(o.timeout, std::chrono::milliseconds(10'000));
  EXPECT_EQ(text(o.resource, "service.name"), "svc");
  EXPECT_EQ(err.str(), "");
}

TEST(OtlpOptions, HeadersCompressionAndTimeout) {
  std::ostringstream err;
  auto o = otlp_exporter_options::from_environment(
      "svc", err,
      fake_env({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"},
                {"OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cr%3Dt, authorization=Bearer%20tok"},
                {"OTEL_EXPORTER_OTLP_COMPRESSION", "none"},
                {"OTEL_EXPORTER_OTLP_TIMEOUT", "2500"}}));
  using header = std::pair<std::string, std::string>;
  EXPECT_EQ(o.headers, (std::vector<header>{{"api-key", "s3cr=t"}, {"authorization", "Bearer tok"}}));
  EXPECT_EQ(o.compression, coroscope::otlp_compression::none);
  EXPECT_EQ(o.timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(err.str(), "");
}

TEST(OtlpOptions, BadValuesGiveOneLineErrorsAndDefaults) {
  std::ostringstream err;
  auto o = otlp_exporter_options::from_environment(
      "svc", err,
      fake_env({{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://c:4318"},
                {"OTEL_EXPORTER_OTLP_HEADERS", "novalue,ok=1"},
                {"OTEL_EXPORTER_OTLP_COMPRESSION", "brotli"},
                {"OTEL_EXPORTER_OTLP_TIMEOUT", "10s"}}));
  EXPECT_TRUE(o.endpoint.empty());
  using header = std::pair<std::string, std::string>;
  EXPECT_EQ(o.headers, (std::vector<header>{{"ok", "1"}}));
  EXPECT_EQ(o.compression, coroscope::otlp_compression::gzip);
  EXPECT_EQ(o.timeout, std::chrono::milliseconds(10'000));
  const std::string e = err.str();
  EXPECT_EQ(lines(e), 4u) << e;
  for (const char* name : {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS",
                           "OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_TIMEOUT"})
    EXPECT_NE(e.find(name), std::string::npos) << name;
  EXPECT_NE(e.find("https is not supported"), std::string::npos) << e;

  std::ostringstream err2;
  auto negative = otlp_exporter_options::from_environment(
      "svc", err2, fake_env({{"OTEL_EXPORTER_OTLP_TIMEOUT", "-5"}, {"OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", "not a url"}}));
  EXPECT_EQ(negative.timeout, std::chrono::milliseconds(10'000));
  EXPECT_TRUE(negative.endpoint.empty());
  EXPECT_EQ(lines(err2.str()), 2u) << err2.str();
}

TEST(OtlpExporter, RejectsEndpointsItCannotUse) {
  auto make = [](std::string endpoint) {
    otlp_exporter_options o;
    o.endpoint = std::move(endpoint);
    coroscope::otlp_exporter exporter(std::move(o));
  };
  try {
    make("https://collector:4318/v1development/profiles");
    FAIL() << "https accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("https is not supported"), std::string::npos) << e.what();
  }
  EXPECT_THROW(make(""), std::invalid_argument);
  EXPECT_THROW(make("collector:4318"), std::invalid_argument);
  EXPECT_THROW(make("ftp://collector/x"), std::invalid_argument);
}

TEST(OtlpRetry, RetryAfterInSecondsOrAsHttpDate) {
  using std::chrono::milliseconds;
  const auto now = std::chrono::system_clock::from_time_t(1'445'412'470);  // 21 Oct 2015 07:27:50 GMT
  EXPECT_EQ(coroscope::detail::parse_retry_after("3", now), milliseconds(3000));
  EXPECT_EQ(coroscope::detail::parse_retry_after(" 0 ", now), milliseconds(0));
  EXPECT_EQ(coroscope::detail::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), milliseconds(10'000));
  EXPECT_EQ(coroscope::detail::parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), milliseconds(0));
  EXPECT_EQ(coroscope::detail::parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(coroscope::detail::parse_retry_after("", now), std::nullopt);
  EXPECT_EQ(coroscope::detail::parse_retry_after("-1", now), std::nullopt);
  // Dates centuries away (found by fuzz_otlp_response: they overflowed the clock).
  EXPECT_EQ(coroscope::detail::parse_retry_after("Wed, 21 Oct 1007 07:28:00 GMT", now), milliseconds(0));
  EXPECT_EQ(coroscope::detail::parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now),
            milliseconds(86'400'000));
}

TEST(OtlpRetry, BackoffGrowsWithJitterUpToTheCap) {
  std::mt19937_64 rng{42};
  using std::chrono::milliseconds;
  for (int i = 0; i < 100; ++i) {
    auto first = coroscope::detail::backoff_delay(1, milliseconds(100), milliseconds(1000), rng);
    EXPECT_GE(first, milliseconds(50));
    EXPECT_LE(first, milliseconds(100));
    auto third = coroscope::detail::backoff_delay(3, milliseconds(100), milliseconds(1000), rng);
    EXPECT_GE(third, milliseconds(200));
    EXPECT_LE(third, milliseconds(400));
    auto late = coroscope::detail::backoff_delay(40, milliseconds(100), milliseconds(1000), rng);
    EXPECT_GE(late, milliseconds(500));
    EXPECT_LE(late, milliseconds(1000));
  }
  EXPECT_TRUE(coroscope::detail::is_retryable_status(503));
  EXPECT_TRUE(coroscope::detail::is_retryable_status(429));
  EXPECT_FALSE(coroscope::detail::is_retryable_status(400));
  EXPECT_FALSE(coroscope::detail::is_retryable_status(500));
}

}  // namespace
