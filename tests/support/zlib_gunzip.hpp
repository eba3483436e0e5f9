// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Gunzip with zlib alone, not through the code under test (<coroscope/gzip.hpp>): what
// the encoders write must be the standard format any gunzip reads. Link ZLIB::ZLIB.
#pragma once

#include <zlib.h>

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

namespace coroscope::test {

/// The bytes of `gzipped`, which must be exactly one complete gzip member (windowBits
/// 15 + 16: a gzip wrapper); throws `std::runtime_error` otherwise.
inline std::string zlib_gunzip(std::string_view gzipped) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  std::string out;
  std::array<char, 256 * 1024> chunk;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzipped.data()));
  stream.avail_in = static_cast<uInt>(gzipped.size());
  int code = Z_OK;
  while (code == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = static_cast<uInt>(chunk.size());
    code = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk.data(), chunk.size() - stream.avail_out);
  }
  const bool ended = code == Z_STREAM_END && stream.avail_in == 0;
  inflateEnd(&stream);
  if (!ended) throw std::runtime_error("zlib: not one complete gzip member (code " + std::to_string(code) + ")");
  return out;
}

}  // namespace coroscope::test
