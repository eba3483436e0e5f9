// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/trace_context.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

using coroscope::trace_context;

namespace {

// The example from the W3C Trace Context specification.
constexpr std::string_view kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kSpanId = "00f067aa0ba902b7";
constexpr std::string_view kHeader = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// The error `parse_traceparent` gives for `header`; fails the test if it parses.
std::string parse_error(std::string_view header) {
  std::string error;
  const auto context = trace_context::parse_traceparent(header, &error);
  EXPECT_FALSE(context.has_value()) << header;
  return error;
}

/// `kHeader` with the characters from `pos` replaced by `text`.
std::string with(std::size_t pos, std::string_view text) {
  std::string header(kHeader);
  header.replace(pos, text.size(), text);
  return header;
}

/// The message `from_hex` throws; fails the test if it does not throw.
std::string from_hex_error(std::string_view trace_id, std::string_view span_id) {
  try {
    (void)trace_context::from_hex(trace_id, span_id);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "from_hex(" << trace_id << ", " << span_id << ") did not throw";
  return {};
}

}  // namespace

TEST(trace_context, parses_the_specification_example) {
  const trace_context context = trace_context::from_traceparent(kHeader);
  EXPECT_EQ(context.trace_id[0], 0x4b);
  EXPECT_EQ(context.trace_id[15], 0x36);
  EXPECT_EQ(context.span_id[0], 0x00);
  EXPECT_EQ(context.span_id[7], 0xb7);
  EXPECT_EQ(context.flags, 0x01);
  EXPECT_TRUE(context.valid());
  EXPECT_EQ(context.trace_id_hex(), kTraceId);
  EXPECT_EQ(context.span_id_hex(), kSpanId);
  EXPECT_EQ(context.to_traceparent(), kHeader);
}

TEST(trace_context, round_trips_flags) {
  for (const std::string_view flags : {"00", "01", "03", "ff"}) {
    const std::string header = with(53, flags);
    EXPECT_EQ(trace_context::from_traceparent(header).to_traceparent(), header);
  }
  EXPECT_EQ(trace_context::from_traceparent(with(53, "ff")).flags, 0xff);
}

TEST(trace_context, parse_without_error_pointer) {
  EXPECT_TRUE(trace_context::parse_traceparent(kHeader).has_value());
  EXPECT_FALSE(trace_context::parse_traceparent("garbage").has_value());
}

TEST(trace_context, from_hex_matches_traceparent) {
  const trace_context context = trace_context::from_hex(kTraceId, kSpanId);
  EXPECT_EQ(context.trace_id_hex(), kTraceId);
  EXPECT_EQ(context.span_id_hex(), kSpanId);
  EXPECT_EQ(context.flags, 0);
  EXPECT_EQ(context.to_traceparent(), with(53, "00"));
}

TEST(trace_context, from_hex_accepts_upper_case) {
  const trace_context context =
      trace_context::from_hex("4BF92F3577B34DA6A3CE929D0E0E4736", "00F067AA0BA902B7");
  EXPECT_EQ(context, trace_context::from_hex(kTraceId, kSpanId));
  EXPECT_EQ(context.trace_id_hex(), kTraceId);  // printed in lower case
}

TEST(trace_context, default_is_not_valid) {
  trace_context context;
  EXPECT_FALSE(context.valid());
  context.trace_id[3] = 1;
  EXPECT_FALSE(context.valid());  // span id still zero
  context.span_id[7] = 1;
  EXPECT_TRUE(context.valid());
  EXPECT_EQ(context.to_traceparent(),
            "00-00000001000000000000000000000000-0000000000000001-00");
}

TEST(trace_context, rejects_wrong_length) {
  EXPECT_NE(parse_error("").find("expected 55 characters"), std::string::npos);
  EXPECT_NE(parse_error(kHeader.substr(0, 54)).find("got 54"), std::string::npos);
  const std::string longer = std::string(kHeader) + "-extra";
  EXPECT_NE(parse_error(longer).find("version 00 must be exactly 55 characters"),
            std::string::npos);
}

TEST(trace_context, rejects_version_ff) {
  EXPECT_NE(parse_error(with(0, "ff")).find("version ff is invalid"), std::string::npos);
}

TEST(trace_context, rejects_bad_version_digits) {
  for (const std::string_view version : {"0A", "zz", "-0"}) {
    EXPECT_NE(parse_error(with(0, version)).find("version must be 2 lowercase hex digits"),
              std::string::npos)
        << version;
  }
}

TEST(trace_context, accepts_future_version) {
  const std::string future = with(0, "cc");
  EXPECT_EQ(trace_context::from_traceparent(future).trace_id_hex(), kTraceId);
  const std::string extended = future + "-what-the-future-holds";
  EXPECT_EQ(trace_context::from_traceparent(extended).span_id_hex(), kSpanId);
  EXPECT_NE(parse_error(future + "x").find("expected '-' after trace-flags"),
            std::string::npos);
}

TEST(trace_context, rejects_upper_case) {
  EXPECT_NE(parse_error(with(3, "4BF9")).find("trace-id must be 32 lowercase hex digits"),
            std::string::npos);
  EXPECT_NE(parse_error(with(36, "00F0")).find("parent-id must be 16 lowercase hex digits"),
            std::string::npos);
  EXPECT_NE(parse_error(with(53, "0A")).find("trace-flags must be 2 lowercase hex digits"),
            std::string::npos);
}

TEST(trace_context, rejects_non_hex) {
  EXPECT_NE(parse_error(with(10, "g")).find("trace-id"), std::string::npos);
  EXPECT_NE(parse_error(with(40, "x")).find("parent-id"), std::string::npos);
  EXPECT_NE(parse_error(with(54, " ")).find("trace-flags"), std::string::npos);
}

TEST(trace_context, rejects_zero_ids) {
  EXPECT_NE(parse_error(with(3, std::string(32, '0'))).find("trace-id must not be all zeros"),
            std::string::npos);
  EXPECT_NE(parse_error(with(36, std::string(16, '0'))).find("parent-id must not be all zeros"),
            std::string::npos);
}

TEST(trace_context, rejects_missing_dashes) {
  EXPECT_NE(parse_error(with(2, "_")).find("expected '-' at position 2"), std::string::npos);
  EXPECT_NE(parse_error(with(35, "0")).find("expected '-' at position 35"), std::string::npos);
  EXPECT_NE(parse_error(with(52, "1")).find("expected '-' at position 52"), std::string::npos);
  // Dropping a dash makes the header too short.
  std::string header(kHeader);
  header.erase(35, 1);
  EXPECT_NE(parse_error(header).find("expected 55 characters"), std::string::npos);
}

TEST(trace_context, from_traceparent_throws_the_message) {
  try {
    (void)trace_context::from_traceparent(with(0, "ff"));
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "traceparent: version ff is invalid");
  }
}

TEST(trace_context, from_hex_rejects_bad_input) {
  EXPECT_NE(from_hex_error(kTraceId.substr(1), kSpanId)
                .find("trace id must be 32 hex digits, got 31 characters"),
            std::string::npos);
  EXPECT_NE(from_hex_error(kTraceId, std::string(kSpanId) + "0")
                .find("span id must be 16 hex digits, got 17 characters"),
            std::string::npos);
  EXPECT_NE(from_hex_error(std::string(31, 'a') + "g", kSpanId)
                .find("trace id contains a non-hex character"),
            std::string::npos);
  EXPECT_NE(from_hex_error(kTraceId, "00f067aa0ba902-7").find("span id contains a non-hex"),
            std::string::npos);
  EXPECT_NE(from_hex_error(std::string(32, '0'), kSpanId).find("trace id must not be all zeros"),
            std::string::npos);
  EXPECT_NE(from_hex_error(kTraceId, std::string(16, '0')).find("span id must not be all zeros"),
            std::string::npos);
}
