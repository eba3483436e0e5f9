// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

// gzip is public now (<coroscope/gzip.hpp>, namespace coroscope). The pprof and heap pprof
// sources still include this header and call it as detail::; this keeps them building until
// they include <coroscope/gzip.hpp> themselves, then it goes.
#include <coroscope/gzip.hpp>

namespace coroscope::detail {
using coroscope::gzip_compress;
using coroscope::gzip_decompress;
using coroscope::gzip_limit_error;
using coroscope::is_gzip;
}  // namespace coroscope::detail
