// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// <coroscope/gzip.hpp>: what gzip_compress (libdeflate) writes is standard gzip that
// zlib's own inflate reads, and gzip_decompress (zlib) gives back every byte, for
// buffers of several MiB that mix incompressible and compressible parts.
#include "../support/zlib_gunzip.hpp"

#include <coroscope/gzip.hpp>

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using coroscope::test::zlib_gunzip;

// 8 MiB: 64 KiB pieces of random bytes (deflate cannot shrink them) alternating with
// 64 KiB of repetitive text (as a profile's varints and names are), so the compressor
// switches between stored-like and well-matched blocks many times.
std::string mixed_buffer() {
  constexpr std::size_t piece = 64 * 1024;
  constexpr std::size_t pieces = 128;
  std::mt19937_64 random(7);
  std::string out;
  out.reserve(piece * pieces);
  for (std::size_t i = 0; i < pieces; ++i) {
    if (i % 2 == 0) {
      for (std::size_t j = 0; j < piece; j += 8) {
        const std::uint64_t word = random();
        out.append(reinterpret_cast<const char*>(&word), 8);
      }
    } else {
      std::string text;
      for (std::size_t n = 0; text.size() < piece; ++n)
        text += "asio::detail::executor_op<service::handler_" + std::to_string(n % 37) + ">::do_complete\n";
      out.append(text, 0, piece);
    }
  }
  return out;
}

std::uint32_t little_endian_32(std::string_view bytes) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = value << 8 | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  return value;
}

TEST(gzip, large_mixed_buffer_round_trips) {
  const std::string data = mixed_buffer();
  ASSERT_EQ(data.size(), 8u * 1024 * 1024);
  const std::string gzipped = coroscope::gzip_compress(data);
  EXPECT_TRUE(coroscope::is_gzip(gzipped));
  // The random half stays about its size, the text half shrinks to almost nothing.
  EXPECT_LT(gzipped.size(), data.size() * 6 / 10);
  EXPECT_GT(gzipped.size(), data.size() / 2);
  EXPECT_EQ(coroscope::gzip_decompress(gzipped), data);
}

TEST(gzip, output_is_standard_gzip_that_zlib_reads) {
  const std::string data = mixed_buffer();
  const std::string gzipped = coroscope::gzip_compress(data);
  // RFC 1952: magic 1f 8b, method 8 (deflate); the trailer ends with the input's size
  // modulo 2^32, after its CRC-32.
  ASSERT_GE(gzipped.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(gzipped[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gzipped[1]), 0x8b);
  EXPECT_EQ(gzipped[2], 8);
  const std::string_view trailer = std::string_view(gzipped).substr(gzipped.size() - 8);
  const auto crc = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
  EXPECT_EQ(little_endian_32(trailer.substr(0, 4)), crc);
  EXPECT_EQ(little_endian_32(trailer.substr(4)), static_cast<std::uint32_t>(data.size()));
  EXPECT_EQ(zlib_gunzip(gzipped), data);
}

TEST(gzip, empty_and_tiny_inputs_round_trip) {
  for (const std::string_view data : {std::string_view{}, std::string_view{"a"}, std::string_view{"hello, gzip"}}) {
    const std::string gzipped = coroscope::gzip_compress(data);
    EXPECT_TRUE(coroscope::is_gzip(gzipped));
    EXPECT_EQ(zlib_gunzip(gzipped), data);
    EXPECT_EQ(coroscope::gzip_decompress(gzipped), data);
  }
}

TEST(gzip, concatenated_members_decompress_as_one_stream) {
  const std::string first(300 * 1024, 'x');
  const std::string second = mixed_buffer().substr(0, 1024 * 1024);
  const std::string both = coroscope::gzip_compress(first) + coroscope::gzip_compress(second);
  EXPECT_EQ(coroscope::gzip_decompress(both), first + second);
}

TEST(gzip, decompress_limit_refuses_what_inflates_past_it) {
  // 16 MiB of zeros gzip to a few KiB: the limit, not the input's size, must stop them.
  const std::string gzipped = coroscope::gzip_compress(std::string(16 * 1024 * 1024, '\0'));
  EXPECT_LT(gzipped.size(), 64u * 1024);
  EXPECT_THROW(coroscope::gzip_decompress(gzipped, 1024 * 1024), coroscope::gzip_limit_error);
  EXPECT_EQ(coroscope::gzip_decompress(gzipped, 16 * 1024 * 1024).size(), 16u * 1024 * 1024);
}

TEST(gzip, truncated_output_is_refused) {
  const std::string gzipped = coroscope::gzip_compress(mixed_buffer().substr(0, 512 * 1024));
  EXPECT_THROW(coroscope::gzip_decompress(std::string_view(gzipped).substr(0, gzipped.size() / 2)), std::runtime_error);
}

}  // namespace
