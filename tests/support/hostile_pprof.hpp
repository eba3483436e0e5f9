// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// pprof inputs built to make a decoder spend memory: a gzip bomb, millions of tiny
// samples, one long name repeated by reference. Written byte by byte (they must be what
// no encoder would write) and gzipped with zlib at test time. Link ZLIB::ZLIB.
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace coroscope::test::hostile {

/// A protobuf varint.
inline std::string varint(std::uint64_t value) {
  std::string out;
  do {
    const auto low = static_cast<char>(value & 0x7f);
    value >>= 7;
    out += value != 0 ? static_cast<char>(low | 0x80) : low;
  } while (value != 0);
  return out;
}

/// A length-delimited field (wire type 2): a message, string or packed list.
inline std::string field(int number, std::string_view payload) {
  return varint(static_cast<std::uint64_t>(number) << 3 | 2) + varint(payload.size()) + std::string(payload);
}

/// A varint field (wire type 0).
inline std::string varint_field(int number, std::uint64_t value) {
  return varint(static_cast<std::uint64_t>(number) << 3) + varint(value);
}

/// One gzip member holding `repeats` copies of `unit`, compressed as it is fed, so a
/// large output never exists in memory.
inline std::string gzip_repeated(std::string_view unit, std::size_t repeats) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string block;  // many units per deflate call
  const std::size_t per_block = std::max<std::size_t>(1, (1u << 20) / unit.size());
  for (std::size_t i = 0; i < per_block; ++i) block += unit;
  std::string out;
  char buffer[1 << 16];
  auto deflate_some = [&](std::string_view in, int flush) {
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    stream.avail_in = static_cast<uInt>(in.size());
    do {
      stream.next_out = reinterpret_cast<Bytef*>(buffer);
      stream.avail_out = sizeof buffer;
      if (deflate(&stream, flush) == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
      out.append(buffer, sizeof buffer - stream.avail_out);
    } while (stream.avail_out == 0);
  };
  for (std::size_t done = 0; done < repeats;) {
    const std::size_t n = std::min(per_block, repeats - done);
    deflate_some(std::string_view(block).substr(0, n * unit.size()), Z_NO_FLUSH);
    done += n;
  }
  deflate_some({}, Z_FINISH);
  deflateEnd(&stream);
  return out;
}

/// A gzip bomb that is a well-formed profile when inflated: `inflated_bytes` of empty
/// string-table entries (field 6, two bytes each).
inline std::string gzip_bomb(std::size_t inflated_bytes) {
  return gzip_repeated(field(6, ""), inflated_bytes / 2);
}

/// A gzipped profile with `samples` samples of one value each and no stack: five bytes
/// apiece inflated, ~100 apiece parsed and again decoded, next to nothing gzipped.
inline std::string many_tiny_samples(std::size_t samples) {
  // string_table[0] = "" and one sample type (type and unit ""), then Sample{value: [1]}
  // over and over, in a second gzip member (members concatenate).
  return gzip_repeated(field(6, "") + field(1, ""), 1) +
         gzip_repeated(field(2, field(2, varint(1))), samples);
}

/// A raw (not gzipped) profile: one function with a `name_bytes`-long name, one location
/// calling it, one sample whose stack is that location `references` times. Small on
/// disk; decoded, each reference is a frame with its own copy of the name.
inline std::string repeated_long_frame(std::size_t name_bytes, std::size_t references) {
  std::string p = field(6, "") + field(6, std::string(name_bytes, 'f'));  // strings "", name
  p += field(1, "");                                                      // a sample type
  p += field(5, varint_field(1, 1) + varint_field(2, 1));                 // Function{id 1, name 1}
  p += field(4, varint_field(1, 1) + field(4, varint_field(1, 1)));       // Location{id 1, Line{fn 1}}
  p += field(2, field(1, std::string(references, '\x01')) + field(2, varint(1)));  // Sample
  return p;
}

}  // namespace coroscope::test::hostile
