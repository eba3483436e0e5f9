// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// examples/trace_correlation in load mode, exporting OTLP profiles to a collector on
// loopback (tests/otlp's Beast receiver) and to a COROSCOPE_OTLP_FILE: the samples must
// link to the spans the service made for the requests, in the traces the load sent.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "coroscope/otlp.hpp"
#include "run_command.hpp"
#include "test_collector.hpp"

namespace {

namespace fs = std::filesystem;
using coroscope::otlp_decoded_profile;

constexpr unsigned kRequests = 150;
constexpr unsigned kMalformedEvery = 5;
constexpr std::size_t kMalformed = kRequests / kMalformedEvery;

/// A load run: what the program printed and the spans it reported, by trace id.
struct load_run {
  coroscope::test::command_result result;
  std::map<std::string, std::string> sent_parent;  ///< trace sent -> parent span sent
  std::map<std::string, std::string> answered;     ///< trace answered -> span answered
  std::set<std::string> new_traces;  ///< traces started for malformed traceparents
  std::size_t bad_header_logs = 0;
};

/// `00-<trace>-<span>-<flags>`: trace and span, or empty strings when not that shape.
std::pair<std::string, std::string> ids_of(const std::string& traceparent) {
  if (traceparent.size() != 55 || traceparent[2] != '-' || traceparent[35] != '-') return {};
  return {traceparent.substr(3, 32), traceparent.substr(36, 16)};
}

/// Runs the example's load with `environment` (shell assignments) and reads its
/// `--print-spans` lines: `request I: traceparent SENT -> ANSWERED`.
load_run run_load(const std::string& environment) {
  load_run run;
  run.result = coroscope::test::run_command(
      "env -u COROSCOPE_OTLP_FILE -u OTEL_EXPORTER_OTLP_ENDPOINT "
      "-u OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT -u OTEL_SERVICE_NAME "
      "COROSCOPE_PROFILE_INTERVAL_MS=200 COROSCOPE_SAMPLE_HZ=499 " +
      environment + " '" + COROSCOPE_TRACE_CORRELATION_EXE + "' --requests " +
      std::to_string(kRequests) + " --clients 3 --malformed-every " +
      std::to_string(kMalformedEvery) + " --print-spans");
  std::istringstream lines(run.result.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("bad traceparent") != std::string::npos) ++run.bad_header_logs;
    const auto sent_at = line.find(": traceparent ");
    const auto arrow = line.find(" -> ");
    if (!line.starts_with("request ") || sent_at == std::string::npos || arrow == std::string::npos)
      continue;
    const auto [trace, parent] = ids_of(line.substr(sent_at + 14, arrow - sent_at - 14));
    const auto [answered_trace, span] = ids_of(line.substr(arrow + 4));
    run.answered[answered_trace] = span;
    if (trace.empty())
      run.new_traces.insert(answered_trace);
    else
      run.sent_parent[trace] = parent;
  }
  return run;
}

bool in_render_report(const coroscope::cpu_profile& p, const coroscope::sample& s) {
  return std::any_of(s.stack.begin(), s.stack.end(), [&p](std::uint32_t i) {
    return p.frames[i].function.find("render_report") != std::string::npos;
  });
}

std::string label(const coroscope::sample& s, const std::string& key) {
  const auto it = s.labels.find(key);
  return it == s.labels.end() ? std::string() : it->second;
}

/// The load's answers are right, and every linked sample links to a span the service made:
/// in a trace the load sent (child of the sent span) or one it started for a bad header.
void expect_linked_to_request_spans(const std::vector<otlp_decoded_profile>& profiles,
                                    const load_run& run) {
  ASSERT_EQ(run.result.status, 0) << run.result.output;
  ASSERT_EQ(run.answered.size(), kRequests) << run.result.output;
  ASSERT_EQ(run.sent_parent.size(), kRequests - kMalformed);
  ASSERT_EQ(run.new_traces.size(), kMalformed);
  EXPECT_EQ(run.bad_header_logs, kMalformed);
  for (const auto& [trace, parent] : run.sent_parent) {
    ASSERT_TRUE(run.answered.contains(trace)) << trace;
    EXPECT_NE(run.answered.at(trace), parent) << "the service must make a new span";
  }
  for (const auto& trace : run.new_traces) EXPECT_FALSE(run.sent_parent.contains(trace));

  std::size_t samples = 0, linked = 0, in_report = 0, unlinked_in_report = 0;
  std::set<std::string> linked_traces;
  for (const auto& p : profiles) {
    const auto* service = p.resource.find("service.name");
    ASSERT_NE(service, nullptr);
    EXPECT_EQ(std::get<std::string>(*service), "trace_correlation");
    for (const auto& s : p.profile.samples) {
      ++samples;
      const std::string trace = label(s, "trace_id");
      if (in_render_report(p.profile, s)) {
        ++in_report;
        unlinked_in_report += trace.empty();
      }
      if (trace.empty()) continue;
      ++linked;
      linked_traces.insert(trace);
      EXPECT_EQ(label(s, "task"), "request");
      ASSERT_TRUE(run.answered.contains(trace)) << "a link to a trace nobody sent: " << trace;
      EXPECT_EQ(label(s, "span_id"), run.answered.at(trace)) << "trace " << trace;
    }
  }
  EXPECT_GT(samples, 0u);
  EXPECT_GT(in_report, 0u);
  EXPECT_EQ(unlinked_in_report, 0u) << "render_report samples without a link, of " << in_report;
  EXPECT_GT(linked, 0u);
  // Many requests' spans got samples, not one span standing for all.
  EXPECT_GT(linked_traces.size(), 1u);
}

TEST(TraceCorrelation, OtlpToACollectorLinksSamplesToRequestSpans) {
  coroscope::test::test_collector collector;
  const load_run run = run_load("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:" +
                                std::to_string(collector.port()));
  ASSERT_EQ(run.result.status, 0) << run.result.output;
  // The probe flushes its last profile before the program exits: all requests are in.
  const auto requests = collector.requests();
  ASSERT_GE(requests.size(), 1u) << run.result.output;
  std::vector<otlp_decoded_profile> profiles;
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/v1development/profiles");
    EXPECT_EQ(r.headers.at("content-type"), "application/x-protobuf");
    for (auto& p : coroscope::decode_otlp_request(r.body)) profiles.push_back(std::move(p));
  }
  expect_linked_to_request_spans(profiles, run);
}

TEST(TraceCorrelation, OtlpFileHoldsTheSameLinks) {
  const fs::path dir =
      fs::temp_directory_path() / ("coroscope-trace-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "trace.otlp").string();
  const load_run run = run_load("COROSCOPE_OTLP_FILE='" + path + "'");
  ASSERT_EQ(run.result.status, 0) << run.result.output;
  std::vector<otlp_decoded_profile> profiles;
  for (auto& request : coroscope::read_otlp_file(path))
    for (auto& p : request) profiles.push_back(std::move(p));
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  expect_linked_to_request_spans(profiles, run);
}

}  // namespace
