// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The encoder, checked against our generated .proto classes (the wire as a collector
// sees it), and the decoder's round trip.
#include <coroscope/otlp.hpp>
#include <coroscope/collapsed.hpp>

#include "opentelemetry/proto/collector/profiles/v1development/profiles_service.pb.h"
#include "test_profiles.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

namespace {

namespace pb = opentelemetry::proto::profiles::v1development;
namespace collector_pb = opentelemetry::proto::collector::profiles::v1development;
using coroscope::cpu_profile;
using coroscope::otlp_resource;
using namespace coroscope::test;

otlp_resource test_resource() {
  otlp_resource r;
  r.set("service.name", "checkout");
  r.set("process.pid", std::int64_t{4242});
  r.scope_version = "9.9.9";
  return r;
}

collector_pb::ExportProfilesServiceRequest parse(const std::string& bytes) {
  collector_pb::ExportProfilesServiceRequest request;
  EXPECT_TRUE(request.ParseFromString(bytes));
  return request;
}

// Everything a sample says, resolved through the dictionary.
struct resolved_sample {
  std::vector<std::string> functions;  // leaf first
  std::map<std::string, std::string> attributes;
  std::string trace_id;
  std::string span_id;
};

std::string any_text(const opentelemetry::proto::common::v1::AnyValue& v) {
  return v.has_int_value() ? "int:" + std::to_string(v.int_value()) : v.string_value();
}

resolved_sample resolve(const pb::ProfilesDictionary& d, const pb::Sample& s) {
  resolved_sample out;
  for (int li : d.stack_table(s.stack_index()).location_indices()) {
    const pb::Location& loc = d.location_table(li);
    if (loc.lines_size() == 0) {
      out.functions.push_back(d.string_table(d.mapping_table(loc.mapping_index()).filename_strindex()));
      continue;
    }
    for (const pb::Line& line : loc.lines())
      out.functions.push_back(d.string_table(d.function_table(line.function_index()).name_strindex()));
  }
  for (int ai : s.attribute_indices()) {
    const pb::KeyValueAndUnit& kv = d.attribute_table(ai);
    out.attributes[d.string_table(kv.key_strindex())] = any_text(kv.value());
  }
  const pb::Link& link = d.link_table(s.link_index());
  out.trace_id = link.trace_id();
  out.span_id = link.span_id();
  return out;
}

std::string bytes_of(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

TEST(OtlpEncode, OneResourceScopeProfileWithCpuTypes) {
  const cpu_profile profile = traced_profile();
  const auto request = parse(coroscope::encode_otlp_request(profile, test_resource()));
  ASSERT_EQ(request.resource_profiles_size(), 1);
  const auto& rp = request.resource_profiles(0);
  ASSERT_EQ(rp.resource().attributes_size(), 2);
  EXPECT_EQ(rp.resource().attributes(0).key(), "service.name");
  EXPECT_EQ(rp.resource().attributes(0).value().string_value(), "checkout");
  EXPECT_EQ(rp.resource().attributes(1).key(), "process.pid");
  EXPECT_EQ(rp.resource().attributes(1).value().int_value(), 4242);
  ASSERT_EQ(rp.scope_profiles_size(), 1);
  EXPECT_EQ(rp.scope_profiles(0).scope().name(), "coroscope");
  EXPECT_EQ(rp.scope_profiles(0).scope().version(), "9.9.9");
  ASSERT_EQ(rp.scope_profiles(0).profiles_size(), 1);

  const pb::Profile& p = rp.scope_profiles(0).profiles(0);
  const auto& d = request.dictionary();
  EXPECT_EQ(d.string_table(p.sample_type().type_strindex()), "samples");
  EXPECT_EQ(d.string_table(p.sample_type().unit_strindex()), "count");
  EXPECT_EQ(d.string_table(p.period_type().type_strindex()), "cpu");
  EXPECT_EQ(d.string_table(p.period_type().unit_strindex()), "nanoseconds");
  EXPECT_EQ(p.period(), profile.period_ns);
  EXPECT_EQ(p.time_unix_nano(), profile.start_ns);
  EXPECT_EQ(p.duration_nano(), profile.duration_ns);
  ASSERT_EQ(p.profile_id().size(), 16u);
  EXPECT_NE(p.profile_id(), std::string(16, '\0'));
  EXPECT_EQ(p.samples_size(), 2);
}

TEST(OtlpEncode, EveryTableHoldsItsZeroValueAtIndexZero) {
  const auto request = parse(coroscope::encode_otlp_request(traced_profile(), test_resource()));
  const auto& d = request.dictionary();
  ASSERT_GT(d.string_table_size(), 0);
  EXPECT_EQ(d.string_table(0), "");
  ASSERT_GT(d.mapping_table_size(), 1);
  EXPECT_EQ(d.mapping_table(0).ByteSizeLong(), 0u);
  ASSERT_GT(d.location_table_size(), 1);
  EXPECT_EQ(d.location_table(0).ByteSizeLong(), 0u);
  ASSERT_GT(d.function_table_size(), 1);
  EXPECT_EQ(d.function_table(0).ByteSizeLong(), 0u);
  ASSERT_GT(d.attribute_table_size(), 1);
  EXPECT_EQ(d.attribute_table(0).ByteSizeLong(), 0u);
  ASSERT_GT(d.stack_table_size(), 1);
  EXPECT_EQ(d.stack_table(0).ByteSizeLong(), 0u);
  ASSERT_GT(d.link_table_size(), 1);
  EXPECT_EQ(d.link_table(0).trace_id(), std::string(16, '\0'));
  EXPECT_EQ(d.link_table(0).span_id(), std::string(8, '\0'));
  // An empty profile still has every zero entry.
  const auto empty = parse(coroscope::encode_otlp_request(make_profile({}), test_resource()));
  const auto& e = empty.dictionary();
  EXPECT_EQ(e.mapping_table_size(), 1);
  EXPECT_EQ(e.location_table_size(), 1);
  EXPECT_EQ(e.function_table_size(), 1);
  EXPECT_EQ(e.link_table_size(), 1);
  EXPECT_EQ(e.attribute_table_size(), 1);
  EXPECT_EQ(e.stack_table_size(), 1);
  EXPECT_EQ(e.string_table(0), "");
}

TEST(OtlpEncode, StacksAreLeafFirstWithFunctionsMappingsAndTaskFrames) {
  const auto request = parse(coroscope::encode_otlp_request(traced_profile(), test_resource()));
  const auto& d = request.dictionary();
  const pb::Profile& p = request.resource_profiles(0).scope_profiles(0).profiles(0);
  ASSERT_EQ(p.samples_size(), 2);
  EXPECT_EQ(resolve(d, p.samples(0)).functions,
            (std::vector<std::string>{"parse_body", "handle_request", "checkout", "main"}));
  EXPECT_EQ(resolve(d, p.samples(1)).functions,
            (std::vector<std::string>{"libc.so.6", "accept-loop", "main"}));

  // The task frame is a Function named after the task, marked by its system name.
  bool found_task = false;
  for (const pb::Function& fn : d.function_table()) {
    if (d.string_table(fn.name_strindex()) != "checkout") continue;
    found_task = true;
    EXPECT_EQ(d.string_table(fn.system_name_strindex()), "coroscope.task:checkout");
  }
  EXPECT_TRUE(found_task);

  // The unsymbolized frame: a Location with the address and a Mapping with the build id.
  const auto& leaf = d.location_table(d.stack_table(p.samples(1).stack_index()).location_indices(0));
  EXPECT_EQ(leaf.address(), 0x9a2bu);
  ASSERT_NE(leaf.mapping_index(), 0);
  const pb::Mapping& m = d.mapping_table(leaf.mapping_index());
  EXPECT_EQ(d.string_table(m.filename_strindex()), "libc.so.6");
  EXPECT_GT(m.memory_limit(), 0x9a2bu);
  ASSERT_EQ(m.attribute_indices_size(), 1);
  const auto& build_id = d.attribute_table(m.attribute_indices(0));
  EXPECT_EQ(d.string_table(build_id.key_strindex()), "process.executable.build_id.gnu");
  EXPECT_EQ(build_id.value().string_value(), "b1d09");

  // A symbolized frame keeps file and line.
  const auto& parse_body = d.location_table(d.stack_table(p.samples(0).stack_index()).location_indices(0));
  ASSERT_EQ(parse_body.lines_size(), 1);
  EXPECT_EQ(parse_body.lines(0).line(), 10 + 10);
  EXPECT_EQ(d.string_table(d.function_table(parse_body.lines(0).function_index()).filename_strindex()),
            "src/parse_body.cpp");
}

// Issue 14: Function.name is what viewers show, so the short form; the full signature is
// the system name, and decoding gives it back.
TEST(OtlpEncode, FunctionNameIsShortAndSystemNameFull) {
  const std::string full =
      "boost::asio::awaitable<void, boost::asio::any_io_executor> (anonymous namespace)::handle_request<"
      "boost::asio::awaitable<void, boost::asio::any_io_executor> (*)(unsigned long)>(unsigned long, "
      "boost::asio::awaitable<void, boost::asio::any_io_executor> (*)(unsigned long))";
  const cpu_profile profile = make_profile({make_sample("main;task:audit;" + full + ";memcpy")});
  const auto request = parse(coroscope::encode_otlp_request(profile, test_resource()));
  const auto& d = request.dictionary();
  std::map<std::string, std::string> system_names;  // by name
  for (const pb::Function& fn : d.function_table())
    system_names[d.string_table(fn.name_strindex())] = d.string_table(fn.system_name_strindex());
  ASSERT_EQ(system_names.count("handle_request<...>"), 1u);
  EXPECT_EQ(system_names["handle_request<...>"], full);
  EXPECT_EQ(system_names["memcpy"], "memcpy");
  EXPECT_EQ(system_names["audit"], "coroscope.task:audit");
  EXPECT_EQ(system_names.count(full), 0u) << "no Function is named by the full signature";

  const auto decoded = coroscope::decode_otlp_request(request.SerializeAsString());
  ASSERT_EQ(decoded.size(), 1u);
  ASSERT_EQ(decoded[0].profile.samples.size(), 1u);
  EXPECT_EQ(decoded[0].profile.frames_of(decoded[0].profile.samples[0]).at(1).function, full);
}

TEST(OtlpEncode, SampleAttributesAndLinksComeFromLabels) {
  const auto request = parse(coroscope::encode_otlp_request(traced_profile(), test_resource()));
  const auto& d = request.dictionary();
  const pb::Profile& p = request.resource_profiles(0).scope_profiles(0).profiles(0);
  const resolved_sample traced = resolve(d, p.samples(0));
  EXPECT_EQ(traced.attributes, (std::map<std::string, std::string>{{"coroscope.task.id", "int:7"},
                                                                   {"coroscope.task.name", "checkout"},
                                                                   {"coroscope.worker", "int:1"},
                                                                   {"thread.id", "int:4243"},
                                                                   {"thread.name", "worker-1"}}));
  EXPECT_NE(p.samples(0).link_index(), 0);
  EXPECT_EQ(traced.trace_id, bytes_of(trace_a));
  EXPECT_EQ(traced.span_id, bytes_of(span_a));

  // No trace context: link 0, and no trace attributes either.
  EXPECT_EQ(p.samples(1).link_index(), 0);
  EXPECT_EQ(resolve(d, p.samples(1)).attributes.count("trace_id"), 0u);
}

TEST(OtlpEncode, MalformedOrZeroTraceIdsGiveNoLink) {
  const cpu_profile profile = make_profile({
      make_sample("a", {{"trace_id", "xyz"}, {"span_id", span_a}}),
      make_sample("b", {{"trace_id", trace_a}}),
      make_sample("c", {{"trace_id", std::string(32, '0')}, {"span_id", span_a}}),
      make_sample("d", {{"trace_id", trace_a}, {"span_id", "00f067aa0ba902"}}),
  });
  const auto request = parse(coroscope::encode_otlp_request(profile, test_resource()));
  const pb::Profile& p = request.resource_profiles(0).scope_profiles(0).profiles(0);
  ASSERT_EQ(p.samples_size(), 4);
  for (const pb::Sample& s : p.samples()) EXPECT_EQ(s.link_index(), 0);
  EXPECT_EQ(request.dictionary().link_table_size(), 1);
}

TEST(OtlpEncode, TablesAreDeduplicated) {
  std::vector<framed_sample> samples;
  for (int i = 0; i < 50; ++i) {
    const bool odd = i % 2 != 0;
    samples.push_back(make_sample(odd ? "main;task:a;f;g" : "main;task:b;f;lib.so+0x10",
                                  {{"task", odd ? "a" : "b"}, {"trace_id", odd ? trace_a : trace_b},
                                   {"span_id", odd ? span_a : span_b}},
                                  1000 + static_cast<std::uint64_t>(i)));
  }
  const auto request = parse(coroscope::encode_otlp_request(make_profile(samples), test_resource()));
  const auto& d = request.dictionary();
  const pb::Profile& p = request.resource_profiles(0).scope_profiles(0).profiles(0);

  std::set<std::string> strings(d.string_table().begin(), d.string_table().end());
  EXPECT_EQ(strings.size(), static_cast<std::size_t>(d.string_table_size()));
  std::set<std::tuple<int, int, int>> functions;
  for (const pb::Function& f : d.function_table())
    functions.emplace(f.name_strindex(), f.system_name_strindex(), f.filename_strindex());
  EXPECT_EQ(functions.size(), static_cast<std::size_t>(d.function_table_size()));
  EXPECT_EQ(d.function_table_size(), 1 + 5);  // main, a, b, f, g
  EXPECT_EQ(d.location_table_size(), 1 + 6);  // + lib.so+0x10
  EXPECT_EQ(d.mapping_table_size(), 1 + 1);
  EXPECT_EQ(d.stack_table_size(), 1 + 2);
  EXPECT_EQ(d.link_table_size(), 1 + 2);
  EXPECT_EQ(d.attribute_table_size(), 1 + 3);  // task a, task b, one build id

  // Equal stack, attributes and link: one Sample listing every event with its time.
  ASSERT_EQ(p.samples_size(), 2);
  for (const pb::Sample& s : p.samples()) {
    EXPECT_EQ(s.values_size(), 25);
    EXPECT_EQ(s.timestamps_unix_nano_size(), 25);
  }
  EXPECT_EQ(p.samples(0).timestamps_unix_nano(0), 1000u);
  EXPECT_EQ(p.samples(0).timestamps_unix_nano(1), 1002u);
}

TEST(OtlpEncode, AStackNamingAFramePastTheTableIsRefused) {
  cpu_profile profile = make_profile({make_sample("main;serve")});
  profile.samples[0].stack.push_back(static_cast<std::uint32_t>(profile.frames.size()));
  EXPECT_THROW(coroscope::encode_otlp_request(profile, test_resource()), std::invalid_argument);
  profile.samples[0].stack.pop_back();
  EXPECT_NO_THROW(coroscope::encode_otlp_request(profile, test_resource()));
}

TEST(OtlpEncode, SamplesWithoutTimestampsAreSummed) {
  const auto request = parse(coroscope::encode_otlp_request(
      make_profile({make_sample("main;f", {}, 0, 3), make_sample("main;f", {}, 0, 4)}), test_resource()));
  const pb::Profile& p = request.resource_profiles(0).scope_profiles(0).profiles(0);
  ASSERT_EQ(p.samples_size(), 1);
  ASSERT_EQ(p.samples(0).values_size(), 1);
  EXPECT_EQ(p.samples(0).values(0), 7);
  EXPECT_EQ(p.samples(0).timestamps_unix_nano_size(), 0);
}

TEST(OtlpDecode, RoundTripKeepsStacksLabelsAndTimestamps) {
  const cpu_profile profile = traced_profile();
  const auto decoded = coroscope::decode_otlp_request(coroscope::encode_otlp_request(profile, test_resource()));
  ASSERT_EQ(decoded.size(), 1u);
  const auto& d = decoded[0];
  EXPECT_EQ(d.sample_type, "samples/count");
  EXPECT_EQ(d.period_type, "cpu/nanoseconds");
  EXPECT_EQ(d.profile_id.size(), 32u);
  EXPECT_EQ(d.resource.scope_name, "coroscope");
  ASSERT_NE(d.resource.find("service.name"), nullptr);
  EXPECT_EQ(std::get<std::string>(*d.resource.find("service.name")), "checkout");
  EXPECT_EQ(d.profile.period_ns, profile.period_ns);
  EXPECT_EQ(d.profile.start_ns, profile.start_ns);
  EXPECT_EQ(coroscope::collapsed_stacks(d.profile, coroscope::name_style::full_names),
            coroscope::collapsed_stacks(profile, coroscope::name_style::full_names));
  ASSERT_EQ(d.profile.samples.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(d.profile.samples[i].labels, profile.samples[i].labels);
    EXPECT_EQ(d.profile.samples[i].timestamp_ns, profile.samples[i].timestamp_ns);
    EXPECT_EQ(d.profile.samples[i].cpu_ns, profile.period_ns);
    const auto want_stack = profile.frames_of(profile.samples[i]);
    const auto got_stack = d.profile.frames_of(d.profile.samples[i]);
    ASSERT_EQ(got_stack.size(), want_stack.size());
    for (std::size_t f = 0; f < want_stack.size(); ++f) {
      const auto& want = want_stack[f];
      const auto& got = got_stack[f];
      EXPECT_EQ(got.function, want.function);
      EXPECT_EQ(got.file, want.file);
      EXPECT_EQ(got.line, want.line);
      EXPECT_EQ(got.address, want.address);
      EXPECT_EQ(got.module, want.module);
      EXPECT_EQ(got.build_id, want.build_id);
      EXPECT_EQ(got.is_task_frame, want.is_task_frame);
    }
  }
}

TEST(OtlpDecode, RejectsGarbageAndDanglingIndices) {
  EXPECT_THROW(coroscope::decode_otlp_request("\xff\xff\xff garbage"), std::runtime_error);
  EXPECT_THROW(coroscope::decode_otlp_request(""), std::runtime_error);  // no string table

  auto request = parse(coroscope::encode_otlp_request(traced_profile(), test_resource()));
  request.mutable_resource_profiles(0)->mutable_scope_profiles(0)->mutable_profiles(0)->mutable_samples(0)
      ->set_stack_index(999);
  try {
    coroscope::decode_otlp_request(request.SerializeAsString());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("stack index 999"), std::string::npos) << e.what();
  }
}

}  // namespace
