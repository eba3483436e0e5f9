// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/gzip.hpp>

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <memory>
#include <stdexcept>

namespace coroscope {
namespace {

// zlib counts in uInt; feed it at most this much at a time.
constexpr std::size_t max_chunk = UINT_MAX / 2;
// windowBits 15 (32 KiB window) + 16: write / expect a gzip header, not a zlib one.
constexpr int gzip_window_bits = 15 + 16;
// libdeflate's compression level: 1, its fastest.
constexpr int compression_level = 1;

std::string zlib_message(const z_stream& stream, int code) {
  if (stream.msg != nullptr) return stream.msg;
  return "zlib error " + std::to_string(code);
}

}  // namespace

bool is_gzip(std::string_view data) noexcept {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

// Level 1, libdeflate's fastest: export must stay cheap, and profiles (repetitive varints
// and a string table) compress nearly as well at level 1. libdeflate compresses a whole
// buffer at once, in about half zlib's time at its level 1 (Z_BEST_SPEED, what Go's
// runtime/pprof uses), and to a few percent fewer bytes (docs/PERFORMANCE.md, "Export
// (pprof)"); what it writes is plain gzip, which zlib and every other reader inflate.
std::string gzip_compress(std::string_view data) {
  // One compressor per call (200 KiB at level 1, freed on return): no state kept
  // between calls and no lock; next to compressing the bytes, its cost does not show.
  const std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> compressor{
      libdeflate_alloc_compressor(compression_level), &libdeflate_free_compressor};
  if (compressor == nullptr) throw std::runtime_error("gzip: cannot allocate a libdeflate compressor");
  // Written into memory that is not cleared first (only the pages written are touched),
  // then copied out at its exact size: the bound is about the input's size, the output
  // usually a third of it.
  const std::size_t bound = libdeflate_gzip_compress_bound(compressor.get(), data.size());
  const auto buffer = std::make_unique_for_overwrite<char[]>(bound);
  const std::size_t size = libdeflate_gzip_compress(compressor.get(), data.data(), data.size(), buffer.get(), bound);
  if (size == 0) throw std::runtime_error("gzip: libdeflate could not compress " + std::to_string(data.size()) + " bytes");
  return std::string(buffer.get(), size);
}

gzip_limit_error::gzip_limit_error(std::size_t limit)
    : std::runtime_error("gzip data inflates past " + std::to_string(limit) + " bytes"),
      limit_(limit) {}

namespace {

/// Inflates every member of `data` through a 64 KiB scratch buffer, handing each piece
/// produced to `sink(const char*, std::size_t)`; returns the total. Throws on bad data
/// and `gzip_limit_error` as soon as the total would pass `max_output`.
template <class Sink>
std::size_t inflate_members(std::string_view data, std::size_t max_output, Sink&& sink) {
  z_stream stream{};
  const int init = inflateInit2(&stream, gzip_window_bits);
  if (init != Z_OK) throw std::runtime_error("gzip: inflateInit2 failed: " + zlib_message(stream, init));
  struct end_at_exit {
    z_stream& stream;
    ~end_at_exit() { inflateEnd(&stream); }
  } guard{stream};

  std::array<char, 64 * 1024> scratch;
  std::size_t produced = 0;
  std::size_t consumed = 0;
  for (;;) {
    const std::size_t in_chunk = std::min(data.size() - consumed, max_chunk);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + consumed));
    stream.avail_in = static_cast<uInt>(in_chunk);
    stream.next_out = reinterpret_cast<Bytef*>(scratch.data());
    stream.avail_out = static_cast<uInt>(scratch.size());
    const int code = inflate(&stream, Z_NO_FLUSH);
    const std::size_t piece = scratch.size() - stream.avail_out;
    consumed += in_chunk - stream.avail_in;
    if (piece > max_output - produced) throw gzip_limit_error(max_output);
    sink(scratch.data(), piece);
    produced += piece;
    if (code == Z_STREAM_END) {
      // Another member may follow (concatenated gzip files are one gzip stream).
      if (consumed < data.size() && is_gzip(data.substr(consumed))) {
        inflateReset(&stream);
        continue;
      }
      return produced;
    }
    // No progress with all input given and room to write: the stream stops early.
    if (code == Z_BUF_ERROR && consumed == data.size() && stream.avail_out != 0)
      throw std::runtime_error("truncated gzip data");
    if (code != Z_OK && code != Z_BUF_ERROR)
      throw std::runtime_error("corrupt gzip data: " + zlib_message(stream, code));
  }
}

}  // namespace

std::string gzip_decompress(std::string_view data, std::size_t max_output) {
  const std::size_t size = inflate_members(data, max_output, [](const char*, std::size_t) {});
  std::string out;
  out.reserve(size);
  inflate_members(data, size, [&out](const char* piece, std::size_t n) { out.append(piece, n); });
  return out;
}

}  // namespace coroscope
