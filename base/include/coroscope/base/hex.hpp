// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace coroscope::base {

/// `n` bytes as lowercase hex, two digits a byte, in order (trace and span ids, build ids).
inline std::string hex(const void* bytes, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  const auto* b = static_cast<const std::uint8_t*>(bytes);
  std::string out(2 * n, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[b[i] >> 4];
    out[2 * i + 1] = digits[b[i] & 0xf];
  }
  return out;
}

/// The value of a hex digit in either case, or -1 when `c` is not one.
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// `v` as 16 lowercase hex digits, most significant first (a big-endian half of an id).
inline std::string hex(std::uint64_t v) {
  std::uint8_t bytes[8];
  for (int i = 7; i >= 0; --i, v >>= 8) bytes[i] = static_cast<std::uint8_t>(v);
  return hex(bytes, sizeof bytes);
}

}  // namespace coroscope::base
