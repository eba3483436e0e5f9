// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace coroscope::detail {

/// The Perfetto messages we write, field by field, appended to a string with protobuf's own
/// wire-format writers (`WireFormatLite`, `CodedOutputStream`) and no message objects: a
/// trace holds millions of packets, and building each as a generated message cost about a
/// microsecond and several allocations. The field numbers come from the generated code
/// (perfetto_fields.hpp), which the tests also decode with. proto2, as upstream's files:
/// every field written is present, zeros included. Not thread-safe.
class proto_writer {
 public:
  void clear() { bytes_.clear(); }
  void reserve(std::size_t bytes) { bytes_.reserve(bytes); }
  const std::string& bytes() const { return bytes_; }
  std::string take() { return std::move(bytes_); }

  /// A varint field: uint32/64, int32/64 (negative values take ten bytes), bool, enum.
  void uint(int field, std::uint64_t value) {
    std::uint8_t* out = room(kMaxTag + kMaxVarint);
    commit(wfl::WriteUInt64ToArray(field, value, out));
  }
  void sint(int field, std::int64_t value) {
    std::uint8_t* out = room(kMaxTag + kMaxVarint);
    commit(wfl::WriteInt64ToArray(field, value, out));
  }
  void fixed64(int field, std::uint64_t value) {
    std::uint8_t* out = room(kMaxTag + 8);
    commit(wfl::WriteFixed64ToArray(field, value, out));
  }
  void dbl(int field, double value) {
    std::uint8_t* out = room(kMaxTag + 8);
    commit(wfl::WriteDoubleToArray(field, value, out));
  }
  /// A string, bytes or embedded message field (`value`: the message's bytes).
  void bytes(int field, std::string_view value) {
    std::uint8_t* out = room(kMaxTag + kMaxVarint + value.size());
    out = wfl::WriteTagToArray(field, wfl::WIRETYPE_LENGTH_DELIMITED, out);
    out = coded::WriteVarint32ToArray(static_cast<std::uint32_t>(value.size()), out);
    commit(coded::WriteRawToArray(value.data(), static_cast<int>(value.size()), out));
  }
  void message(int field, const proto_writer& m) { bytes(field, m.bytes_); }

 private:
  using wfl = google::protobuf::internal::WireFormatLite;
  using coded = google::protobuf::io::CodedOutputStream;
  static constexpr std::size_t kMaxTag = 5;
  static constexpr std::size_t kMaxVarint = 10;

  /// Room for `bytes` more at the end; `commit` then trims to what was written.
  std::uint8_t* room(std::size_t bytes) {
    const std::size_t used = bytes_.size();
    bytes_.resize(used + bytes);
    return reinterpret_cast<std::uint8_t*>(bytes_.data()) + used;
  }
  void commit(const std::uint8_t* end) {
    bytes_.resize(static_cast<std::size_t>(end - reinterpret_cast<const std::uint8_t*>(bytes_.data())));
  }

  std::string bytes_;
};

}  // namespace coroscope::detail
