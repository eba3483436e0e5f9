// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <google/protobuf/io/coded_stream.h>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace coroscope::detail {

/// The protobuf varints of the ids 0..count-1, encoded once and then copied: a pprof
/// encoder writes each location id once per sample that refers to it (millions of
/// times for a few thousand ids). Each entry holds an id's varint in its low 3 bytes and
/// the varint's length in the top byte, and is stored with one 4-byte write, so
/// `write` needs kSlack bytes of room past the varints it writes. For 2^21 ids and more
/// (longer varints) there is no table: each is encoded as it comes.
///
/// Every id given to `size` and `write` must be below the `count` the table was made for.
class varint_table {
 public:
  explicit varint_table(std::size_t count) {
    if (count > kMaxEntries) return;
    entries_.resize(count);
    for (std::uint32_t id = 0; id < entries_.size(); ++id) {
      std::uint8_t bytes[4] = {};
      const auto size = static_cast<std::uint32_t>(coded::WriteVarint32ToArray(id, bytes) - bytes);
      std::uint32_t entry = 0;
      std::memcpy(&entry, bytes, sizeof entry);
      entries_[id] = entry | size << 24;
    }
  }

  /// Bytes of the varints of `ids`.
  std::uint32_t size(std::span<const std::uint32_t> ids) const noexcept {
    std::uint32_t bytes = 0;
    if (entries_.empty()) {
      for (const std::uint32_t id : ids) bytes += static_cast<std::uint32_t>(coded::VarintSize32(id));
      return bytes;
    }
    const std::uint32_t* entries = entries_.data();
    for (const std::uint32_t id : ids) bytes += entries[id] >> 24;
    return bytes;
  }

  /// Writes the varints of `ids` at `out` (and up to kSlack bytes of scratch after them);
  /// returns their end.
  std::uint8_t* write(std::span<const std::uint32_t> ids, std::uint8_t* out) const noexcept {
    if (entries_.empty()) {
      for (const std::uint32_t id : ids) out = coded::WriteVarint32ToArray(id, out);
      return out;
    }
    const std::uint32_t* entries = entries_.data();  // a local: the byte stores below may not change it
    for (const std::uint32_t id : ids) {
      std::memcpy(out, entries + id, sizeof *entries);
      out += entries[id] >> 24;
    }
    return out;
  }

  /// The room `write` may use past the varints it writes.
  static constexpr std::size_t kSlack = 3;

 private:
  using coded = google::protobuf::io::CodedOutputStream;
  static_assert(std::endian::native == std::endian::little, "the varint's bytes are an entry's low bytes");
  static constexpr std::size_t kMaxEntries = std::size_t{1} << 21;  // 3-byte varints

  std::vector<std::uint32_t> entries_;
};

}  // namespace coroscope::detail
