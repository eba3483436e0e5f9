// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

/// gzip (one or more members, RFC 1952), shared by every encoder that writes or reads
/// compressed bytes: pprof files, heap profiles, OTLP/HTTP bodies and the responses to
/// them. Written by libdeflate, read by zlib. Plain functions, thread-safe, no state.
namespace coroscope {

/// True when `data` starts with the gzip magic bytes 1f 8b.
bool is_gzip(std::string_view data) noexcept;

/// Compresses `data` into one gzip member (libdeflate, level 1: its fastest), in one
/// call over the whole buffer. Throws `std::runtime_error` if libdeflate fails (out of
/// memory).
std::string gzip_compress(std::string_view data);

/// Most bytes `gzip_decompress` produces by default: a bound against gzip bombs.
inline constexpr std::size_t kMaxGunzippedBytes = 1024u * 1024 * 1024;

/// Thrown by `gzip_decompress` when the output would pass its limit.
class gzip_limit_error : public std::runtime_error {
 public:
  explicit gzip_limit_error(std::size_t limit);
  std::size_t limit() const noexcept { return limit_; }

 private:
  std::size_t limit_;
};

/// Decompresses one or more concatenated gzip members. Throws `std::runtime_error`
/// ("truncated gzip data", "corrupt gzip data: ...") on bad input and `gzip_limit_error`
/// ("gzip data inflates past N bytes") on output past `max_output`.
///
/// Memory: the output is measured first (inflating into a small scratch buffer that is
/// thrown away), then allocated once at its exact size and inflated again. A gzip bomb is
/// refused before anything its size is allocated, and a good input never holds a
/// half-grown copy of itself; the price is inflating twice.
std::string gzip_decompress(std::string_view data, std::size_t max_output = kMaxGunzippedBytes);

}  // namespace coroscope
