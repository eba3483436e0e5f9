// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// decode_otlp_response: what a collector's 2xx body says, read by the encoder library
// alone (the OTLP/HTTP exporter counts and logs what it returns).
#include <coroscope/otlp.hpp>

#include "opentelemetry/proto/collector/profiles/v1development/profiles_service.pb.h"

#include <gtest/gtest.h>

#include <string>

namespace {

namespace collector_pb = opentelemetry::proto::collector::profiles::v1development;

TEST(OtlpResponse, PartialSuccessIsDecoded) {
  collector_pb::ExportProfilesServiceResponse response;
  response.mutable_partial_success()->set_rejected_profiles(3);
  response.mutable_partial_success()->set_error_message("sample without stack");
  const auto partial = coroscope::decode_otlp_response(response.SerializeAsString());
  ASSERT_TRUE(partial.has_value());
  EXPECT_EQ(partial->rejected_profiles, 3);
  EXPECT_EQ(partial->error_message, "sample without stack");
}

TEST(OtlpResponse, AMessageAloneIsAPartialSuccess) {
  collector_pb::ExportProfilesServiceResponse response;
  response.mutable_partial_success()->set_error_message("deprecated attribute");
  const auto partial = coroscope::decode_otlp_response(response.SerializeAsString());
  ASSERT_TRUE(partial.has_value());
  EXPECT_EQ(partial->rejected_profiles, 0);
  EXPECT_EQ(partial->error_message, "deprecated attribute");
}

TEST(OtlpResponse, AWholeAcceptanceIsNothing) {
  EXPECT_FALSE(coroscope::decode_otlp_response("").has_value());
  EXPECT_FALSE(coroscope::decode_otlp_response(
                   collector_pb::ExportProfilesServiceResponse{}.SerializeAsString())
                   .has_value());
  // partial_success present but empty: the collector took everything.
  collector_pb::ExportProfilesServiceResponse empty_partial;
  empty_partial.mutable_partial_success();
  EXPECT_FALSE(coroscope::decode_otlp_response(empty_partial.SerializeAsString()).has_value());
}

TEST(OtlpResponse, BytesThatDoNotParseAreNothing) {
  // Field 1 as a varint where a message is expected.
  EXPECT_FALSE(coroscope::decode_otlp_response(std::string("\x08\x01", 2)).has_value());
  EXPECT_FALSE(coroscope::decode_otlp_response("<html>bad gateway</html>").has_value());
}

}  // namespace
