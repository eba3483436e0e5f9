// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The encoder writes the same profile as the encoder before frame ids did
// (data/README.md), whether the samples share their frames in the profile's table or each
// has its own copies: the same samples with the same values and labels, the same
// locations, functions, mappings and strings. Both files
// are parsed with the classes generated from Debian's profile.proto and compared field
// by field, so the order of fields on the wire does not matter; nor does the order of
// the samples, which pprof gives no meaning (the encoder sorts them by their callers).
#include "fixed_profile.hpp"

#include <coroscope/gzip.hpp>
#include <coroscope/pprof.hpp>
#include <coroscope/profile.hpp>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/gzip_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/wire_format_lite.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "profile.pb.h"

namespace {

namespace pb = perftools::profiles;

pb::Profile parse_gzipped(const std::string& bytes) {
  google::protobuf::io::ArrayInputStream raw(bytes.data(), static_cast<int>(bytes.size()));
  google::protobuf::io::GzipInputStream gunzip(&raw, google::protobuf::io::GzipInputStream::GZIP);
  pb::Profile profile;
  EXPECT_TRUE(profile.ParseFromZeroCopyStream(&gunzip));
  return profile;
}

pb::Profile previous_encoders_profile() {
  std::ifstream in(COROSCOPE_EXPORTER_TEST_DATA "/fixed_profile.pb.gz", std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " COROSCOPE_EXPORTER_TEST_DATA "/fixed_profile.pb.gz";
  return parse_gzipped({std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()});
}

// The same profile with each distinct frame once in the table, as the profile builder
// keeps it, in the order the samples first name them.
coroscope::cpu_profile with_shared_frames(const coroscope::cpu_profile& profile) {
  coroscope::cpu_profile shared = profile;
  shared.frames.clear();
  std::map<std::tuple<std::string, std::string, std::uint32_t, std::uint64_t, std::string, std::string, bool>,
           std::uint32_t>
      indices;
  for (auto& s : shared.samples) {
    for (auto& index : s.stack) {
      const coroscope::frame& f = profile.frames.at(index);
      auto [it, inserted] =
          indices.try_emplace({f.function, f.file, f.line, f.address, f.module, f.build_id, f.is_task_frame}, 0);
      if (inserted) it->second = shared.add_frame(f);
      index = it->second;
    }
  }
  return shared;
}

void expect_same_profile(const pb::Profile& expected, const pb::Profile& got) {
  // The parts first, for a readable failure; then everything.
  ASSERT_EQ(got.sample_size(), expected.sample_size());
  ASSERT_EQ(got.location_size(), expected.location_size());
  ASSERT_EQ(got.function_size(), expected.function_size());
  ASSERT_EQ(got.mapping_size(), expected.mapping_size());
  ASSERT_EQ(got.string_table_size(), expected.string_table_size());
  google::protobuf::util::MessageDifferencer differencer;
  differencer.TreatAsSet(pb::Profile::descriptor()->FindFieldByName("sample"));
  std::string differences;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(expected, got)) << differences;
}

TEST(PprofEquivalence, FixedProfileEncodesAsBeforeFrameIds) {
  const pb::Profile expected = previous_encoders_profile();
  ASSERT_GT(expected.sample_size(), 1000);
  expect_same_profile(expected, parse_gzipped(coroscope::encode_pprof(coroscope::test::fixed_profile())));
}

// Equal frames at different indices of the table meet the same location, so sharing the
// frames changes not one byte.
TEST(PprofEquivalence, SharedFramesChangeNothingInTheOutput) {
  const coroscope::cpu_profile own_copies = coroscope::test::fixed_profile();
  const coroscope::cpu_profile shared = with_shared_frames(own_copies);
  ASSERT_LT(shared.frames.size(), own_copies.frames.size());
  const std::string bytes = coroscope::encode_pprof(shared);
  expect_same_profile(previous_encoders_profile(), parse_gzipped(bytes));
  EXPECT_EQ(bytes, coroscope::encode_pprof(own_copies));
}

// Some samples share their frames and some have their own copies (a profile merged from a
// sampled one and a decoded one): the copies meet the same locations.
TEST(PprofEquivalence, SharedAndOwnFramesMix) {
  const coroscope::cpu_profile own_copies = coroscope::test::fixed_profile();
  coroscope::cpu_profile profile = with_shared_frames(own_copies);
  for (std::size_t i = 0; i < profile.samples.size(); i += 2)
    profile.samples[i].stack = profile.add_frames(own_copies.frames_of(own_copies.samples[i]));
  const std::string bytes = coroscope::encode_pprof(profile);
  expect_same_profile(previous_encoders_profile(), parse_gzipped(bytes));
  EXPECT_EQ(bytes, coroscope::encode_pprof(own_copies));
}

// The encoder writes each Sample's bytes itself (not through the generated class): they
// must be the bytes the generated code writes for the Sample they parse to, including
// the corners proto3 treats specially (no locations, a label value "" that is string 0
// and so left out, negative and 64-bit values, many labels).
TEST(PprofEquivalence, SamplesAreWrittenAsTheGeneratedCodeWritesThem) {
  coroscope::cpu_profile profile = with_shared_frames(coroscope::test::fixed_profile());
  coroscope::sample empty_stack;
  empty_stack.count = 1;
  empty_stack.cpu_ns = -5;
  empty_stack.labels = {{"note", ""}};
  profile.samples.push_back(empty_stack);
  coroscope::sample big = profile.samples.front();
  big.count = std::int64_t{1} << 40;
  big.cpu_ns = -(std::int64_t{1} << 62);
  for (int i = 0; i < 20; ++i) big.labels["label_" + std::to_string(i)] = std::to_string(i * 1000003);
  profile.samples.push_back(big);

  const std::string raw = coroscope::gzip_decompress(coroscope::encode_pprof(profile));

  // The Profile's field 2 (sample), in wire order.
  std::vector<std::string> written;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(raw.data()), static_cast<int>(raw.size()));
  while (const std::uint32_t tag = in.ReadTag()) {
    if (tag == (2 << 3 | 2)) {
      std::uint32_t length = 0;
      ASSERT_TRUE(in.ReadVarint32(&length));
      ASSERT_TRUE(in.ReadString(&written.emplace_back(), static_cast<int>(length)));
    } else {
      ASSERT_NE(tag >> 3, 2u) << "field 2 (sample) written with wire type " << (tag & 7);
      ASSERT_TRUE(google::protobuf::internal::WireFormatLite::SkipField(&in, tag));
    }
  }
  pb::Profile parsed;
  ASSERT_TRUE(parsed.ParseFromString(raw));
  EXPECT_TRUE(parsed.GetReflection()->GetUnknownFields(parsed).empty());
  ASSERT_EQ(written.size(), static_cast<std::size_t>(parsed.sample_size()));
  bool saw_empty_stack = false;
  bool saw_many_labels = false;
  for (int i = 0; i < parsed.sample_size(); ++i) {
    const pb::Sample& sample = parsed.sample(i);
    EXPECT_EQ(written[static_cast<std::size_t>(i)], sample.SerializeAsString()) << "sample " << i;
    saw_empty_stack = saw_empty_stack || (sample.location_id_size() == 0 && sample.value(1) == -5);
    saw_many_labels = saw_many_labels || (sample.label_size() > 20 && sample.value(1) == -(std::int64_t{1} << 62));
  }
  EXPECT_TRUE(saw_empty_stack);
  EXPECT_TRUE(saw_many_labels);
}

}  // namespace
