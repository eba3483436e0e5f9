// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Hashing and comparing the short strings that pprof labels mostly are (`task_id`, `42`,
// `worker`, a 32-digit trace id) with a few loads and multiplies, where std::hash and
// operator== are calls and loops: the encoder interns a label value or two for every
// sample.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>

namespace coroscope::detail {

namespace short_strings {

inline std::uint64_t load64(const char* p) noexcept {
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline std::uint32_t load32(const char* p) noexcept {
  std::uint32_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

/// The first and the last 8 bytes of `p[0, n)` (overlapping when n < 16; n <= 16), or 4
/// bytes each for n < 8, or for n < 4 its first, middle and last bytes: together every
/// byte.
struct ends {
  std::uint64_t head = 0;
  std::uint64_t tail = 0;
  ends(const char* p, std::size_t n) noexcept {
    if (n >= 8) {
      head = load64(p);
      tail = load64(p + n - 8);
    } else if (n >= 4) {
      head = load32(p);
      tail = load32(p + n - 4);
    } else if (n > 0) {
      head = static_cast<unsigned char>(p[0]) | std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8 |
             std::uint64_t{static_cast<unsigned char>(p[n - 1])} << 16;
    }
  }
  bool operator==(const ends&) const = default;
};

/// A hash of `p[0, n)`, n <= 16.
inline std::uint64_t hash_upto16(const char* p, std::size_t n) noexcept {
  const ends e(p, n);
  std::uint64_t h = (e.head ^ (n * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 31) ^ e.tail) * 0x94d049bb133111ebULL;
  return h ^ (h >> 29);
}

}  // namespace short_strings

/// A hash of `s`: strings of 17 to 32 bytes hash as their first and last 16, longer ones
/// go to std::hash.
inline std::uint64_t short_string_hash(std::string_view s) noexcept {
  using short_strings::hash_upto16;
  const std::size_t n = s.size();
  if (n <= 16) return hash_upto16(s.data(), n);
  if (n <= 32) return ((hash_upto16(s.data(), 16) + n) * 0x9e3779b97f4a7c15ULL) ^ hash_upto16(s.data() + n - 16, 16);
  return std::hash<std::string_view>{}(s);
}

/// A hash of `s` from its length and at most 48 of its bytes: all of a string of up to 32
/// bytes, else its first, middle and last 16. For the tables keyed by frames' function,
/// file and module names (hundreds of bytes for a template's name), which a frame without
/// an id is looked up by: hashing all of each name for each of millions of frames took
/// half an encode's instructions. Keys that agree on the bytes sampled share a hash;
/// the tables compare whole keys, so that costs probes, never a wrong answer.
inline std::uint64_t sampled_string_hash(std::string_view s) noexcept {
  using short_strings::hash_upto16;
  const std::size_t n = s.size();
  if (n <= 32) return short_string_hash(s);
  const std::uint64_t head = hash_upto16(s.data(), 16);
  const std::uint64_t middle = hash_upto16(s.data() + n / 2 - 8, 16);
  const std::uint64_t tail = hash_upto16(s.data() + n - 16, 16);
  return (((head + n) * 0x9e3779b97f4a7c15ULL ^ middle) * 0xbf58476d1ce4e5b9ULL) ^ tail;
}

/// a == b; strings of up to 32 bytes compare by their first and last 16 (ends of 8 each).
inline bool same_string(std::string_view a, std::string_view b) noexcept {
  using short_strings::ends;
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  if (n <= 16) return ends(a.data(), n) == ends(b.data(), n);
  if (n <= 32)
    return ends(a.data(), 16) == ends(b.data(), 16) && ends(a.data() + n - 16, 16) == ends(b.data() + n - 16, 16);
  return a == b;
}

}  // namespace coroscope::detail
