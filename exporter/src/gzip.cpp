// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace coroscope::detail {
namespace {

// zlib counts in uInt; feed it at most this much at a time.
constexpr std::size_t max_chunk = UINT_MAX / 2;
// windowBits 15 (32 KiB window) + 16: write / expect a gzip header, not a zlib one.
constexpr int gzip_window_bits = 15 + 16;

std::string zlib_message(const z_stream& stream, int code) {
  if (stream.msg != nullptr) return stream.msg;
  return "zlib error " + std::to_string(code);
}

}  // namespace

bool is_gzip(std::string_view data) noexcept {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

// Z_BEST_SPEED, as Go's runtime/pprof writes its profiles: export must stay cheap, and
// profiles (repetitive varints and a string table) compress nearly as well at level 1.
std::string gzip_compress(std::string_view data) {
  z_stream stream{};
  int code = deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, gzip_window_bits, 8,
                          Z_DEFAULT_STRATEGY);
  if (code != Z_OK) throw std::runtime_error("gzip: deflateInit2 failed: " + zlib_message(stream, code));

  std::string out;
  out.resize(deflateBound(&stream, static_cast<uLong>(data.size())) + 64);
  std::size_t produced = 0;
  std::size_t consumed = 0;
  do {
    std::size_t in_chunk = std::min(data.size() - consumed, max_chunk);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + consumed));
    stream.avail_in = static_cast<uInt>(in_chunk);
    bool last = consumed + in_chunk == data.size();
    do {
      if (produced == out.size()) out.resize(out.size() * 2 + 64);
      std::size_t out_chunk = std::min(out.size() - produced, max_chunk);
      stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
      stream.avail_out = static_cast<uInt>(out_chunk);
      code = deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH);
      if (code == Z_STREAM_ERROR) {
        std::string message = zlib_message(stream, code);
        deflateEnd(&stream);
        throw std::runtime_error("gzip: deflate failed: " + message);
      }
      produced += out_chunk - stream.avail_out;
    } while (stream.avail_out == 0);
    consumed += in_chunk;
  } while (code != Z_STREAM_END);
  deflateEnd(&stream);
  out.resize(produced);
  return out;
}

std::string gzip_decompress(std::string_view data, std::size_t max_output) {
  z_stream stream{};
  int code = inflateInit2(&stream, gzip_window_bits);
  if (code != Z_OK) throw std::runtime_error("gzip: inflateInit2 failed: " + zlib_message(stream, code));

  std::string out;
  out.resize(std::min(std::max<std::size_t>(data.size() * 4, 4096),
                      std::max<std::size_t>(max_output, 1)));
  std::size_t produced = 0;
  std::size_t consumed = 0;
  for (;;) {
    std::size_t in_chunk = std::min(data.size() - consumed, max_chunk);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + consumed));
    stream.avail_in = static_cast<uInt>(in_chunk);
    if (produced == out.size()) {
      if (produced >= max_output) {
        inflateEnd(&stream);
        throw std::runtime_error("gzip data inflates past " + std::to_string(max_output) +
                                 " bytes");
      }
      out.resize(std::min(out.size() * 2, max_output));
    }
    std::size_t out_chunk = std::min(out.size() - produced, max_chunk);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    stream.avail_out = static_cast<uInt>(out_chunk);
    code = inflate(&stream, Z_NO_FLUSH);
    produced += out_chunk - stream.avail_out;
    consumed += in_chunk - stream.avail_in;
    if (code == Z_STREAM_END) {
      // Another member may follow (concatenated gzip files are one gzip stream).
      if (consumed < data.size() && is_gzip(data.substr(consumed))) {
        inflateReset(&stream);
        continue;
      }
      break;
    }
    if (code == Z_BUF_ERROR && consumed == data.size() && stream.avail_out != 0) {
      inflateEnd(&stream);
      throw std::runtime_error("truncated gzip data");
    }
    if (code != Z_OK && code != Z_BUF_ERROR) {
      std::string message = zlib_message(stream, code);
      inflateEnd(&stream);
      throw std::runtime_error("corrupt gzip data: " + message);
    }
  }
  inflateEnd(&stream);
  out.resize(produced);
  return out;
}

}  // namespace coroscope::detail
