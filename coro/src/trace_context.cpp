// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/trace_context.hpp"

#include <algorithm>
#include <span>
#include <stdexcept>

#include <coroscope/base/hex.hpp>

namespace coroscope {
namespace {

// traceparent layout for version 00 (W3C Trace Context, section 3.2):
//
//   00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
//   ^^ ^                                ^                ^
//   |  trace_id_pos (32 hex)            span_id_pos      flags_pos (2 hex)
//   version (2 hex)                     (16 hex)
constexpr std::size_t kTraceparentSize = 55;
constexpr std::size_t kTraceIdPos = 3;
constexpr std::size_t kSpanIdPos = 36;
constexpr std::size_t kFlagsPos = 53;
constexpr std::size_t kDashPositions[] = {2, 35, 52};

using base::hex_value;

bool is_lower_hex(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_hex(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(), [](char c) { return hex_value(c) >= 0; });
}

bool is_all_zero_digits(std::string_view text) noexcept {
  return text.find_first_not_of('0') == std::string_view::npos;
}

/// Decodes `2 * N` hex digits, already checked with `is_hex`.
template <std::size_t N>
std::array<std::uint8_t, N> decode_hex(std::string_view hex) noexcept {
  std::array<std::uint8_t, N> bytes{};
  for (std::size_t i = 0; i < N; ++i) {
    bytes[i] = static_cast<std::uint8_t>(hex_value(hex[2 * i]) * 16 + hex_value(hex[2 * i + 1]));
  }
  return bytes;
}

std::string encode_hex(std::span<const std::uint8_t> bytes) {
  return base::hex(bytes.data(), bytes.size());
}

/// What is wrong with `header` as a traceparent, or an empty string when it is well formed.
std::string traceparent_error(std::string_view header) {
  if (header.size() < kTraceparentSize) {
    return "traceparent: expected 55 characters (00-<32 hex>-<16 hex>-<2 hex>), got " +
           std::to_string(header.size());
  }
  const std::string_view version = header.substr(0, 2);
  if (!is_lower_hex(version)) return "traceparent: version must be 2 lowercase hex digits";
  if (version == "ff") return "traceparent: version ff is invalid";
  if (version == "00" && header.size() != kTraceparentSize) {
    return "traceparent: version 00 must be exactly 55 characters, got " +
           std::to_string(header.size());
  }
  // A future version may append fields, but only after another dash.
  if (header.size() > kTraceparentSize && header[kTraceparentSize] != '-') {
    return "traceparent: expected '-' after trace-flags (position 55)";
  }
  for (const std::size_t pos : kDashPositions) {
    if (header[pos] != '-') return "traceparent: expected '-' at position " + std::to_string(pos);
  }
  const std::string_view trace_id = header.substr(kTraceIdPos, 32);
  const std::string_view span_id = header.substr(kSpanIdPos, 16);
  if (!is_lower_hex(trace_id)) return "traceparent: trace-id must be 32 lowercase hex digits";
  if (!is_lower_hex(span_id)) return "traceparent: parent-id must be 16 lowercase hex digits";
  if (!is_lower_hex(header.substr(kFlagsPos, 2))) {
    return "traceparent: trace-flags must be 2 lowercase hex digits";
  }
  if (is_all_zero_digits(trace_id)) return "traceparent: trace-id must not be all zeros";
  if (is_all_zero_digits(span_id)) return "traceparent: parent-id must not be all zeros";
  return {};
}

/// Decodes one id for `from_hex`; `what` names it in the exception message.
template <std::size_t N>
std::array<std::uint8_t, N> id_from_hex(std::string_view hex, const char* what) {
  const std::string prefix = std::string("trace_context: ") + what;
  if (hex.size() != 2 * N) {
    throw std::invalid_argument(prefix + " must be " + std::to_string(2 * N) +
                                " hex digits, got " + std::to_string(hex.size()) +
                                " characters");
  }
  if (!is_hex(hex)) throw std::invalid_argument(prefix + " contains a non-hex character");
  if (is_all_zero_digits(hex)) throw std::invalid_argument(prefix + " must not be all zeros");
  return decode_hex<N>(hex);
}

}  // namespace

trace_context trace_context::from_traceparent(std::string_view header) {
  std::string error;
  auto context = parse_traceparent(header, &error);
  if (!context) throw std::invalid_argument(error);
  return *context;
}

std::optional<trace_context> trace_context::parse_traceparent(std::string_view header,
                                                              std::string* error) {
  if (std::string problem = traceparent_error(header); !problem.empty()) {
    if (error) *error = std::move(problem);
    return std::nullopt;
  }
  trace_context context;
  context.trace_id = decode_hex<16>(header.substr(kTraceIdPos, 32));
  context.span_id = decode_hex<8>(header.substr(kSpanIdPos, 16));
  context.flags = decode_hex<1>(header.substr(kFlagsPos, 2))[0];
  return context;
}

trace_context trace_context::from_hex(std::string_view trace_id_hex,
                                      std::string_view span_id_hex) {
  trace_context context;
  context.trace_id = id_from_hex<16>(trace_id_hex, "trace id");
  context.span_id = id_from_hex<8>(span_id_hex, "span id");
  return context;
}

bool trace_context::valid() const noexcept {
  const auto non_zero = [](std::uint8_t byte) { return byte != 0; };
  return std::any_of(trace_id.begin(), trace_id.end(), non_zero) &&
         std::any_of(span_id.begin(), span_id.end(), non_zero);
}

std::string trace_context::trace_id_hex() const { return encode_hex(trace_id); }

std::string trace_context::span_id_hex() const { return encode_hex(span_id); }

std::string trace_context::to_traceparent() const {
  return "00-" + trace_id_hex() + '-' + span_id_hex() + '-' +
         encode_hex(std::span<const std::uint8_t>(&flags, 1));
}

}  // namespace coroscope
