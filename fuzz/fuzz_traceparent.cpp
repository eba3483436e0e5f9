// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// traceparent headers arrive from other services: any bytes must parse or be refused,
// and whatever parses must print back to an equal context.
#include <coroscope/trace_context.hpp>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto ctx = coroscope::trace_context::parse_traceparent(in, &error);
  if (ctx) {
    if (!error.empty()) std::abort();
    const auto again = coroscope::trace_context::parse_traceparent(ctx->to_traceparent());
    if (!again || *again != *ctx) std::abort();
  } else if (error.empty()) {
    std::abort();  // a refusal must say why
  }
  bool threw = false;
  try {
    (void)coroscope::trace_context::from_traceparent(in);
  } catch (const std::invalid_argument&) {
    threw = true;
  }
  if (threw == ctx.has_value()) std::abort();  // both entry points agree

  // from_hex takes the two ids separately: split the input at its first '-'.
  const auto dash = in.find('-');
  try {
    const auto h = coroscope::trace_context::from_hex(in.substr(0, dash),
                                                      dash == in.npos ? "" : in.substr(dash + 1));
    if (!h.valid()) std::abort();
    if (h.trace_id_hex().size() != 32 || h.span_id_hex().size() != 16) std::abort();
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
