// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The exporter against a real Boost.Beast receiver on loopback (test_collector), which
// decodes every request with our .proto: content, headers, compression, and faults.
#include <coroscope/otlp_exporter.hpp>

#include "fake_env.hpp"
#include "opentelemetry/proto/collector/profiles/v1development/profiles_service.pb.h"
#include "test_collector.hpp"
#include "test_profiles.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>

namespace {

using namespace std::chrono_literals;
using coroscope::otlp_exporter;
using coroscope::otlp_exporter_options;
using coroscope::test::received_request;
using coroscope::test::scripted_response;
using coroscope::test::test_collector;
namespace collector_pb = opentelemetry::proto::collector::profiles::v1development;

using coroscope::test::fake_env;

// Log lines captured from the exporter thread.
struct log_capture {
  std::mutex mutex;
  std::condition_variable logged;
  std::vector<std::string> lines;
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& line) {
      {
        std::lock_guard lock(mutex);
        lines.push_back(line);
      }
      logged.notify_all();
    };
  }
  // Waits for a line containing `text`.
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    return logged.wait_for(lock, timeout, [&] {
      return std::any_of(lines.begin(), lines.end(),
                         [&](const std::string& l) { return l.find(text) != std::string::npos; });
    });
  }
  std::string all() {
    std::lock_guard lock(mutex);
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
};

otlp_exporter_options fast_options(const std::string& endpoint) {
  otlp_exporter_options o;
  o.endpoint = endpoint;
  o.timeout = 5s;
  o.retry_initial_backoff = 20ms;
  o.retry_max_backoff = 100ms;
  o.retry_max_elapsed = 30s;
  o.resource.set("service.name", "test");
  return o;
}

std::vector<coroscope::otlp_decoded_profile> decode(const received_request& r) {
  return coroscope::decode_otlp_request(r.body);
}

TEST(OtlpExporter, SendsDecodableRequestsWithResourceLinksAndHeaders) {
  test_collector collector;
  std::ostringstream err;
  auto options = otlp_exporter_options::from_environment(
      "", err,
      fake_env({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + std::to_string(collector.port())},
                {"OTEL_SERVICE_NAME", "checkout"},
                {"OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod%2Ceu,team=payments"},
                {"OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cr%3Dt,x-tenant=acme"}}));
  ASSERT_EQ(err.str(), "");
  otlp_exporter exporter(options);
  ASSERT_TRUE(exporter.submit(coroscope::test::traced_profile()));
  ASSERT_TRUE(collector.wait_for(1, 10s));
  EXPECT_TRUE(exporter.shutdown(5s));

  const auto requests = collector.requests();
  ASSERT_EQ(requests.size(), 1u);
  const received_request& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/v1development/profiles");
  EXPECT_EQ(r.headers.at("content-type"), "application/x-protobuf");
  EXPECT_EQ(r.headers.at("content-encoding"), "gzip");  // the default
  EXPECT_EQ(r.headers.at("api-key"), "s3cr=t");
  EXPECT_EQ(r.headers.at("x-tenant"), "acme");

  // Our generated classes read it as a collector would.
  collector_pb::ExportProfilesServiceRequest request;
  ASSERT_TRUE(request.ParseFromString(r.body));
  ASSERT_EQ(request.resource_profiles_size(), 1);
  EXPECT_EQ(request.resource_profiles(0).scope_profiles(0).profiles(0).samples_size(), 2);

  const auto decoded = decode(r);
  ASSERT_EQ(decoded.size(), 1u);
  const auto& resource = decoded[0].resource;
  EXPECT_EQ(std::get<std::string>(*resource.find("service.name")), "checkout");
  EXPECT_EQ(std::get<std::string>(*resource.find("deployment.environment")), "prod,eu");
  EXPECT_EQ(std::get<std::string>(*resource.find("team")), "payments");
  EXPECT_EQ(std::get<std::int64_t>(*resource.find("process.pid")), ::getpid());
  const auto& samples = decoded[0].profile.samples;
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].labels.at("trace_id"), coroscope::test::trace_a);
  EXPECT_EQ(samples[0].labels.at("span_id"), coroscope::test::span_a);
  EXPECT_EQ(samples[0].labels.at("task"), "checkout");
  EXPECT_EQ(decoded[0].profile.frames.at(samples[0].stack.front()).function, "parse_body");
  EXPECT_EQ(samples[1].labels.count("trace_id"), 0u);

  const auto stats = exporter.stats();
  EXPECT_EQ(stats.sent, 1u);
  EXPECT_GT(stats.bytes, 0u);
  EXPECT_EQ(stats.failed + stats.retried + stats.dropped, 0u);
}

TEST(OtlpExporter, CompressionNoneSendsRawProtobuf) {
  test_collector collector;
  auto options = fast_options(collector.endpoint());
  options.compression = coroscope::otlp_compression::none;
  otlp_exporter exporter(options);
  exporter.submit(coroscope::test::traced_profile());
  ASSERT_TRUE(collector.wait_for(1, 10s));
  exporter.shutdown(5s);
  const auto r = collector.requests().at(0);
  EXPECT_EQ(r.headers.count("content-encoding"), 0u);
  EXPECT_EQ(decode(r).at(0).profile.samples.size(), 2u);
}

TEST(OtlpExporter, RetriesOn503HonouringRetryAfterThenSucceeds) {
  test_collector collector([](const received_request&, std::size_t index) {
    scripted_response s;
    if (index == 0) {
      s.status = 503;
      s.headers = {{"Retry-After", "1"}};
    }
    return s;
  });
  otlp_exporter exporter(fast_options(collector.endpoint()));  // backoff alone would be ~20 ms
  exporter.submit(coroscope::test::traced_profile());
  ASSERT_TRUE(collector.wait_for(2, 20s));
  EXPECT_TRUE(exporter.shutdown(5s));
  const auto requests = collector.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_GE(requests[1].arrived - requests[0].arrived, 900ms);  // Retry-After: 1 was honoured
  EXPECT_EQ(requests[0].body, requests[1].body);
  const auto stats = exporter.stats();
  EXPECT_EQ(stats.retried, 1u);
  EXPECT_EQ(stats.sent, 1u);
  EXPECT_EQ(stats.failed, 0u);
}

TEST(OtlpExporter, DoesNotRetryOn400) {
  test_collector collector([](const received_request&, std::size_t) {
    scripted_response s;
    s.status = 400;
    return s;
  });
  log_capture log;
  auto options = fast_options(collector.endpoint());
  options.log = log.sink();
  otlp_exporter exporter(options);
  exporter.submit(coroscope::test::traced_profile());
  ASSERT_TRUE(collector.wait_for(1, 10s));
  EXPECT_TRUE(exporter.shutdown(5s));  // joins the thread: no retry can follow
  EXPECT_EQ(collector.requests().size(), 1u);
  const auto stats = exporter.stats();
  EXPECT_EQ(stats.failed, 1u);
  EXPECT_EQ(stats.retried, 0u);
  EXPECT_EQ(stats.sent, 0u);
  EXPECT_NE(log.all().find("HTTP 400"), std::string::npos) << log.all();
  EXPECT_NE(log.all().find("not retried"), std::string::npos) << log.all();
}

TEST(OtlpExporter, PartialSuccessIsParsedCountedAndLogged) {
  test_collector collector([](const received_request&, std::size_t) {
    collector_pb::ExportProfilesServiceResponse response;
    response.mutable_partial_success()->set_rejected_profiles(2);
    response.mutable_partial_success()->set_error_message("sample without stack");
    scripted_response s;
    s.body = response.SerializeAsString();
    return s;
  });
  log_capture log;
  auto options = fast_options(collector.endpoint());
  options.log = log.sink();
  otlp_exporter exporter(options);
  exporter.submit(coroscope::test::traced_profile());
  exporter.submit(coroscope::test::traced_profile());
  ASSERT_TRUE(collector.wait_for(2, 10s));
  EXPECT_TRUE(exporter.shutdown(5s));
  const auto stats = exporter.stats();
  EXPECT_EQ(stats.sent, 2u);
  EXPECT_EQ(stats.partial_successes, 2u);
  EXPECT_EQ(stats.rejected_profiles, 4u);
  // Rate-limited: two partial successes within log_interval make one line.
  ASSERT_EQ(log.lines.size(), 1u) << log.all();
  EXPECT_NE(log.lines[0].find("2 profile(s) rejected: sample without stack"), std::string::npos) << log.lines[0];
}

TEST(OtlpExporter, CollectorDownThenUpKeepsTheNewestWithinTheQueueBound) {
  const unsigned short port = coroscope::test::unused_port();
  auto options = fast_options("http://127.0.0.1:" + std::to_string(port) + "/v1development/profiles");
  options.queue_capacity = 3;
  log_capture log;
  options.log = log.sink();
  otlp_exporter exporter(options);

  // Nobody listens: every submit returns at once; the queue keeps the newest three.
  constexpr int submitted = 10;
  for (int i = 0; i < submitted; ++i)
    EXPECT_TRUE(exporter.submit(coroscope::test::traced_profile(1'000'000 + static_cast<std::uint64_t>(i))));
  // Wait until an attempt has failed and is being retried, so the collector really was down.
  ASSERT_TRUE(log.wait_for("retrying", 10s)) << log.all();
  const auto while_down = exporter.stats();
  EXPECT_GE(while_down.dropped, static_cast<std::uint64_t>(submitted - 3 - 1));
  EXPECT_LE(while_down.dropped, static_cast<std::uint64_t>(submitted - 3));

  // The collector comes up on that port: the request in flight and the queue arrive.
  test_collector collector({}, port);
  const std::size_t expected = submitted - while_down.dropped;
  ASSERT_TRUE(collector.wait_for(expected, 20s));
  EXPECT_TRUE(exporter.shutdown(5s));
  const auto stats = exporter.stats();
  EXPECT_EQ(stats.sent, expected);
  EXPECT_EQ(stats.dropped, while_down.dropped);
  EXPECT_GT(stats.retried, 0u);
  EXPECT_EQ(stats.failed, 0u);

  std::set<std::uint64_t> starts;
  for (const auto& r : collector.requests()) starts.insert(decode(r).at(0).profile.start_ns);
  EXPECT_EQ(starts.size(), expected);
  for (int i = submitted - 3; i < submitted; ++i)
    EXPECT_EQ(starts.count(1'000'000 + static_cast<std::uint64_t>(i)), 1u) << "newest profile " << i << " lost";
}

TEST(OtlpExporter, RetriesWhenTheCollectorClosesMidRequest) {
  test_collector collector([](const received_request&, std::size_t index) {
    scripted_response s;
    s.close_without_answer = index == 0;
    return s;
  });
  otlp_exporter exporter(fast_options(collector.endpoint()));
  exporter.submit(coroscope::test::traced_profile());
  ASSERT_TRUE(collector.wait_for(2, 10s));
  EXPECT_TRUE(exporter.shutdown(5s));
  const auto stats = exporter.stats();
  EXPECT_EQ(stats.sent, 1u);
  EXPECT_EQ(stats.retried, 1u);
}

TEST(OtlpExporter, TimesOutOnACollectorThatNeverAnswers) {
  test_collector collector([](const received_request&, std::size_t) {
    scripted_response s;
    s.never_answer = true;
    return s;
  });
  log_capture log;
  auto options = fast_options(collector.endpoint());
  options.timeout = 200ms;
  options.retry_max_elapsed = 0ms;  // give up after the first attempt
  options.log = log.sink();
  otlp_exporter exporter(options);
  exporter.submit(coroscope::test::traced_profile());
  EXPECT_TRUE(exporter.shutdown(10s));  // the attempt ends by its own timeout
  const auto stats = exporter.stats();
  EXPECT_EQ(stats.failed, 1u);
  EXPECT_EQ(stats.sent, 0u);
  EXPECT_NE(log.all().find("timed out"), std::string::npos) << log.all();
}

TEST(OtlpExporter, ShutdownFlushesEverythingQueued) {
  test_collector collector;
  otlp_exporter exporter(fast_options(collector.endpoint()));
  for (int i = 0; i < 5; ++i) exporter.submit(coroscope::test::traced_profile(static_cast<std::uint64_t>(i + 1)));
  EXPECT_TRUE(exporter.shutdown(10s));
  EXPECT_EQ(collector.requests().size(), 5u);
  EXPECT_EQ(exporter.stats().sent, 5u);
  EXPECT_FALSE(exporter.submit(coroscope::test::traced_profile())) << "no submit after shutdown";
  EXPECT_TRUE(exporter.shutdown(1s)) << "idempotent";
}

TEST(OtlpExporter, ShutdownGivesUpAtTheDeadline) {
  test_collector collector([](const received_request&, std::size_t) {
    scripted_response s;
    s.never_answer = true;
    return s;
  });
  auto options = fast_options(collector.endpoint());
  options.timeout = 60s;  // only the shutdown deadline can end the attempt
  otlp_exporter exporter(options);
  exporter.submit(coroscope::test::traced_profile(1));
  exporter.submit(coroscope::test::traced_profile(2));
  ASSERT_TRUE(collector.wait_for(1, 10s));  // the first is in flight, the second queued
  EXPECT_FALSE(exporter.shutdown(300ms));
  const auto stats = exporter.stats();
  EXPECT_EQ(stats.failed, 1u);   // the attempt cut at the deadline
  EXPECT_EQ(stats.dropped, 1u);  // the one still queued
  EXPECT_EQ(stats.sent, 0u);
}

}  // namespace
