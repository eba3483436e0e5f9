// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The encoder writes the same profile as the encoder before frame ids did
// (data/README.md), whether or not the frames carry ids: the same samples with the same
// values and labels, the same locations, functions, mappings and strings. Both files
// are parsed with the classes generated from Debian's profile.proto and compared field
// by field, so the order of fields on the wire does not matter; nor does the order of
// the samples, which pprof gives no meaning (the encoder sorts them by their callers).
#include "fixed_profile.hpp"

#include <coroscope/pprof.hpp>
#include <coroscope/profile.hpp>

#include <google/protobuf/io/gzip_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <utility>

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

// Gives frames ids as the symbol cache and the profile builder do: one per distinct frame.
void give_frame_ids(coroscope::cpu_profile& profile) {
  std::map<std::tuple<std::string, std::string, std::uint32_t, std::uint64_t, std::string, bool>, std::uint64_t> ids;
  for (auto& s : profile.samples) {
    for (auto& f : s.stack) {
      auto [it, inserted] = ids.try_emplace({f.function, f.file, f.line, f.address, f.module, f.is_task_frame}, 0);
      if (inserted) it->second = coroscope::reserve_frame_ids(1);
      f.id = it->second;
    }
  }
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

TEST(PprofEquivalence, FrameIdsChangeNothingInTheOutput) {
  coroscope::cpu_profile profile = coroscope::test::fixed_profile();
  give_frame_ids(profile);
  expect_same_profile(previous_encoders_profile(), parse_gzipped(coroscope::encode_pprof(profile)));
}

// Some frames with ids and some without (a profile merged from a sampled one and a decoded
// one): the frames without go by their strings and meet the same locations.
TEST(PprofEquivalence, FramesWithAndWithoutIdsMix) {
  coroscope::cpu_profile profile = coroscope::test::fixed_profile();
  give_frame_ids(profile);
  for (std::size_t i = 0; i < profile.samples.size(); i += 2)
    for (auto& f : profile.samples[i].stack) f.id = 0;
  expect_same_profile(previous_encoders_profile(), parse_gzipped(coroscope::encode_pprof(profile)));
}

}  // namespace
