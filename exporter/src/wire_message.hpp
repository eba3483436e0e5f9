// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace coroscope::detail {

/// The bytes of one protobuf message, written field by field with protobuf's own
/// wire-format writer (`io::CodedOutputStream`) and no generated message class. Unlike
/// generated classes, this registers nothing in the process's descriptor pool: the heap
/// preload library writes pprof with it (see heap_pprof_writer.cpp). Fields follow proto3:
/// scalars equal to zero and empty packed fields are left out.
///
/// Not copyable or movable (the stream points into the buffer). One thread at a time.
class wire_message {
 public:
  wire_message() : stream_(&bytes_) { coded_.emplace(&stream_); }
  wire_message(const wire_message&) = delete;
  wire_message& operator=(const wire_message&) = delete;

  /// An `int64` or `uint64` field (varint); nothing when `value` is 0.
  void varint(int number, std::uint64_t value) {
    if (value == 0) return;
    coded_->WriteTag(tag(number, kVarint));
    coded_->WriteVarint64(value);
  }
  void varint(int number, std::int64_t value) { varint(number, static_cast<std::uint64_t>(value)); }
  /// A `bool` field; nothing when false.
  void flag(int number, bool value) { varint(number, std::uint64_t{value}); }

  /// A `string` or `bytes` field, or one element of a repeated one: written even when
  /// empty (pprof's string table starts with "").
  void bytes(int number, std::string_view value) {
    coded_->WriteTag(tag(number, kLengthDelimited));
    coded_->WriteVarint32(static_cast<std::uint32_t>(value.size()));
    coded_->WriteRaw(value.data(), static_cast<int>(value.size()));
  }

  /// A packed repeated varint field (`repeated uint64` / `repeated int64` in proto3).
  void packed(int number, std::span<const std::uint64_t> values) { packed_varints(number, values); }
  void packed(int number, std::span<const std::int64_t> values) { packed_varints(number, values); }

  /// An embedded message field: `message`'s bytes, length-prefixed. `message` is done with.
  void message(int number, wire_message& message) { bytes(number, message.finish()); }

  /// Fields written elsewhere (another `wire_message`'s `finish()`), appended as they are.
  void raw(std::string_view fields) { coded_->WriteRaw(fields.data(), static_cast<int>(fields.size())); }

  /// The message's bytes. Writing ends here: call it once, last.
  const std::string& finish() {
    coded_.reset();  // flushes into bytes_ and trims the unused tail
    return bytes_;
  }

 private:
  // Wire types and the tag layout of the protobuf encoding (field number << 3 | type).
  static constexpr std::uint32_t kVarint = 0;
  static constexpr std::uint32_t kLengthDelimited = 2;
  static constexpr std::uint32_t tag(int number, std::uint32_t wire_type) {
    return (static_cast<std::uint32_t>(number) << 3) | wire_type;
  }

  template <typename Integer>
  void packed_varints(int number, std::span<const Integer> values) {
    if (values.empty()) return;
    std::size_t size = 0;
    for (Integer v : values)
      size += google::protobuf::io::CodedOutputStream::VarintSize64(static_cast<std::uint64_t>(v));
    coded_->WriteTag(tag(number, kLengthDelimited));
    coded_->WriteVarint32(static_cast<std::uint32_t>(size));
    for (Integer v : values) coded_->WriteVarint64(static_cast<std::uint64_t>(v));
  }

  std::string bytes_;
  google::protobuf::io::StringOutputStream stream_;
  std::optional<google::protobuf::io::CodedOutputStream> coded_;
};

}  // namespace coroscope::detail
