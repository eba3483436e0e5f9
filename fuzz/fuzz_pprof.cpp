// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// pprof files given to the `coroscope` CLI: decoded raw, and gzipped as the CLI reads
// most files, then named as the CLI names functions (short_function_name on names from
// the file). Corrupt input must throw std::runtime_error, nothing else.
#include <coroscope/pprof.hpp>
#include <coroscope/report.hpp>
#include <coroscope/collapsed.hpp>

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

std::string gzip(std::string_view in) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    std::abort();
  std::string out(deflateBound(&z, in.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

void decode(std::string_view bytes) {
  try {
    const auto p = coroscope::decode_pprof(bytes);
    // A decoded profile encodes again (short names of every function), and its names
    // print as the CLI prints them.
    (void)coroscope::encode_pprof(p);
    (void)coroscope::collapsed_stacks(p);
    (void)coroscope::top_report(p);
  } catch (const std::runtime_error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  decode(in);
  // gzip magic first: the same bytes through the gunzip path.
  decode(gzip(in));
  return 0;
}
