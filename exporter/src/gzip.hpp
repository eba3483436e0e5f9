// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace coroscope::detail {

/// True when `data` starts with the gzip magic bytes 1f 8b.
bool is_gzip(std::string_view data) noexcept;

/// Compresses `data` into one gzip member (zlib, fastest level).
/// Throws `std::runtime_error` if zlib fails.
std::string gzip_compress(std::string_view data);

/// Most bytes `gzip_decompress` produces by default: a bound against gzip bombs.
inline constexpr std::size_t kMaxGunzippedBytes = 1024u * 1024 * 1024;

/// Decompresses one or more concatenated gzip members. Throws `std::runtime_error`
/// ("truncated gzip data", "corrupt gzip data: ...", "gzip data inflates past N bytes")
/// on bad input or output past `max_output`.
std::string gzip_decompress(std::string_view data, std::size_t max_output = kMaxGunzippedBytes);

}  // namespace coroscope::detail
