// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace coroscope::detail {

/// Protobuf wire format for the Perfetto messages we write, appended to a string with no
/// message objects: a trace holds millions of packets, and building each as a generated
/// message cost about a microsecond and several allocations (the generated classes are
/// what the tests decode with, so the two cannot drift apart unnoticed). proto2, as
/// upstream's files: every field written is present, zeros included. Not thread-safe.
class proto_writer {
 public:
  void clear() { bytes_.clear(); }
  void reserve(std::size_t bytes) { bytes_.reserve(bytes); }
  const std::string& bytes() const { return bytes_; }
  std::string take() { return std::move(bytes_); }

  /// A varint field: uint32/64, int32/64 (negative values take ten bytes), bool, enum.
  void uint(int field, std::uint64_t value) {
    tag(field, kVarint);
    varint(value);
  }
  void sint(int field, std::int64_t value) { uint(field, static_cast<std::uint64_t>(value)); }
  void fixed64(int field, std::uint64_t value) {
    tag(field, kFixed64);
    char raw[8];
    for (int i = 0; i < 8; ++i) raw[i] = static_cast<char>(value >> (8 * i));
    bytes_.append(raw, 8);
  }
  void dbl(int field, double value) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    fixed64(field, bits);
  }
  /// A string, bytes or embedded message field (`value`: the message's bytes).
  void bytes(int field, std::string_view value) {
    tag(field, kLengthDelimited);
    varint(value.size());
    bytes_.append(value);
  }
  void message(int field, const proto_writer& m) { bytes(field, m.bytes_); }

 private:
  enum wire_type { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2 };
  void tag(int field, wire_type type) { varint((static_cast<std::uint64_t>(field) << 3) | type); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      bytes_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    bytes_.push_back(static_cast<char>(v));
  }

  std::string bytes_;
};

}  // namespace coroscope::detail
