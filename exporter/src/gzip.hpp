// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <string>
#include <string_view>

namespace coroscope::detail {

/// True when `data` starts with the gzip magic bytes 1f 8b.
bool is_gzip(std::string_view data) noexcept;

/// Compresses `data` into one gzip member (zlib, fastest level).
/// Throws `std::runtime_error` if zlib fails.
std::string gzip_compress(std::string_view data);

/// Decompresses one or more concatenated gzip members. Throws `std::runtime_error`
/// ("truncated gzip data", "corrupt gzip data: ...") on bad input.
std::string gzip_decompress(std::string_view data);

}  // namespace coroscope::detail
