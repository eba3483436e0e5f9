// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coroscope {

/// A W3C trace context (https://www.w3.org/TR/trace-context/): the trace and span a task
/// works for. Set it on a task with `this_task::set_trace_context`; CPU samples and slow
/// awaits of that task then carry these ids.
struct trace_context {
  std::array<std::uint8_t, 16> trace_id{};  ///< all zero: none
  std::array<std::uint8_t, 8> span_id{};    ///< all zero: none
  std::uint8_t flags = 0;                   ///< trace-flags (bit 0: sampled)

  /// Parses a `traceparent` header value (`00-<32 hex>-<16 hex>-<2 hex>`).
  /// Throws `std::invalid_argument` with a message saying what is wrong.
  static trace_context from_traceparent(std::string_view header);
  /// Like `from_traceparent`, without exceptions: nullopt and `*error` set on bad input.
  static std::optional<trace_context> parse_traceparent(std::string_view header,
                                                        std::string* error = nullptr);
  /// From a 32-hex-digit trace id and a 16-hex-digit span id (lower or upper case).
  /// Throws `std::invalid_argument` on bad length, non-hex digits or all-zero ids.
  static trace_context from_hex(std::string_view trace_id_hex, std::string_view span_id_hex);

  /// True when both ids are non-zero.
  bool valid() const noexcept;
  std::string trace_id_hex() const;   ///< 32 lower-case hex digits
  std::string span_id_hex() const;    ///< 16 lower-case hex digits
  std::string to_traceparent() const; ///< `00-<trace>-<span>-<flags>`

  friend bool operator==(const trace_context&, const trace_context&) = default;
};

}  // namespace coroscope
