// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The pprof encoder's internal helpers against the plain code they stand in for:
// radix_sort against std::stable_sort, varint_table against protobuf's varint writer,
// short_string_hash/same_string against operator== on every length they special-case,
// sampled_string_hash for equal hashes of equal strings.
#include "radix_sort.hpp"
#include "short_strings.hpp"
#include "varint_table.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace {

struct record {
  std::uint16_t digits[3];
  std::uint32_t position;
};

TEST(RadixSort, OrdersAsStableSortByTheDigitsMostSignificantLast) {
  std::mt19937 random(7);
  for (const std::size_t radix : {2u, 16u, 4096u, 65536u}) {
    std::uniform_int_distribution<std::uint32_t> digit(0, static_cast<std::uint32_t>(radix - 1));
    std::vector<record> records(5000);
    for (std::uint32_t i = 0; i < records.size(); ++i) {
      // Digit 2 (the most significant) the same everywhere: the sort skips its pass.
      records[i] = {{static_cast<std::uint16_t>(digit(random)), static_cast<std::uint16_t>(digit(random) % 3), 1}, i};
    }
    std::vector<record> expected = records;
    std::stable_sort(expected.begin(), expected.end(), [](const record& a, const record& b) {
      return std::lexicographical_compare(std::rbegin(a.digits), std::rend(a.digits), std::rbegin(b.digits),
                                          std::rend(b.digits));
    });
    std::vector<record> scratch;
    coroscope::detail::radix_sort(records, scratch, 3, radix, [](const record& r, std::size_t d) { return r.digits[d]; });
    ASSERT_EQ(records.size(), expected.size());
    for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].position, expected[i].position) << "radix " << radix << ", at " << i;
  }
}

TEST(RadixSort, LeavesShortInputsAlone) {
  std::vector<record> one{{{5, 0, 0}, 0}};
  std::vector<record> scratch;
  coroscope::detail::radix_sort(one, scratch, 3, 16, [](const record& r, std::size_t d) { return r.digits[d]; });
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].digits[0], 5);
}

// What protobuf writes for `ids`, one varint after another.
std::string varints_of(const std::vector<std::uint32_t>& ids) {
  std::string out(5 * ids.size(), '\0');
  auto* p = reinterpret_cast<std::uint8_t*>(out.data());
  for (const std::uint32_t id : ids) p = google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(id, p);
  out.resize(static_cast<std::size_t>(p - reinterpret_cast<std::uint8_t*>(out.data())));
  return out;
}

TEST(VarintTable, WritesWhatProtobufWrites) {
  // Ids around each varint length's edges, in a table made for exactly that many ids.
  const std::vector<std::uint32_t> ids{0, 1, 127, 128, 300, 16383, 16384, 20000, 127, 1, 20000};
  const coroscope::detail::varint_table table(20001);
  const std::string expected = varints_of(ids);
  std::vector<std::uint8_t> out(expected.size() + coroscope::detail::varint_table::kSlack, 0xee);
  const std::uint8_t* end = table.write(ids, out.data());
  EXPECT_EQ(static_cast<std::size_t>(end - out.data()), expected.size());
  EXPECT_EQ(table.size(ids), expected.size());
  EXPECT_EQ(std::string(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(expected.size())), expected);
}

TEST(VarintTable, IdsPastThreeByteVarintsAreEncodedAsTheyCome) {
  // 2^21 ids and more: no table (a 4-byte varint does not fit an entry).
  const std::vector<std::uint32_t> ids{1, 2097151, 2097152, 0xffffffffu};
  const coroscope::detail::varint_table table(std::size_t{1} << 32);
  const std::string expected = varints_of(ids);
  std::vector<std::uint8_t> out(expected.size() + coroscope::detail::varint_table::kSlack);
  const std::uint8_t* end = table.write(ids, out.data());
  EXPECT_EQ(table.size(ids), expected.size());
  EXPECT_EQ(std::string(static_cast<const std::uint8_t*>(out.data()), end), expected);
}

TEST(ShortStrings, EqualExactlyWhenEveryByteIsEqual) {
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string a(n, 'x');
    for (std::size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + (i * 7) % 26);
    const std::string same = a;
    EXPECT_TRUE(coroscope::detail::same_string(a, same)) << n;
    EXPECT_EQ(coroscope::detail::short_string_hash(a), coroscope::detail::short_string_hash(same)) << n;
    EXPECT_FALSE(coroscope::detail::same_string(a, a + "y")) << n;
    for (std::size_t i = 0; i < n; ++i) {
      std::string other = a;
      other[i] = 'Z';
      EXPECT_FALSE(coroscope::detail::same_string(a, other)) << "length " << n << ", byte " << i;
    }
  }
}

TEST(ShortStrings, SampledHashIsOfTheBytesNotTheCopy) {
  for (std::size_t n = 0; n <= 300; n += 7) {
    std::string a(n, 'q');
    for (std::size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + (i * 11) % 26);
    const std::string copy = a;
    EXPECT_EQ(coroscope::detail::sampled_string_hash(a), coroscope::detail::sampled_string_hash(copy)) << n;
    if (n > 0) {
      // The length is always part of it: a name and its prefix differ.
      EXPECT_NE(coroscope::detail::sampled_string_hash(a), coroscope::detail::sampled_string_hash(a.substr(0, n - 1))) << n;
    }
  }
}

TEST(ShortStrings, HashesTellApartTheStringsLabelsCarry) {
  // Task ids and 32-digit trace ids: distinct strings, distinct hashes (not promised in
  // general, but a hash this weak would fill the string table's probe chains).
  std::vector<std::uint64_t> hashes;
  for (int i = 0; i < 2000; ++i) hashes.push_back(coroscope::detail::short_string_hash(std::to_string(i)));
  for (int i = 0; i < 2000; ++i) {
    char trace[33];
    std::snprintf(trace, sizeof trace, "%016x%016x", i * 2654435761u, i);
    hashes.push_back(coroscope::detail::short_string_hash(trace));
  }
  std::sort(hashes.begin(), hashes.end());
  EXPECT_EQ(std::adjacent_find(hashes.begin(), hashes.end()), hashes.end());
}

}  // namespace
