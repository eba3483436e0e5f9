// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/base/key_value_list.hpp>

#include <gtest/gtest.h>

namespace {

using coroscope::base::parse_key_value_list;
using pairs = std::vector<std::pair<std::string, std::string>>;

TEST(KeyValueList, TrimsAndPercentDecodesKeysAndValuesInOrder) {
  const auto parsed = parse_key_value_list(" api-key=secret,  x-tenant = a%20b , k%3Dx=v%2Cw,plus=a+b,empty=,,dup=1,dup=2,");
  EXPECT_TRUE(parsed.errors.empty());
  EXPECT_EQ(parsed.pairs, (pairs{{"api-key", "secret"}, {"x-tenant", "a b"}, {"k=x", "v,w"},
                                 {"plus", "a+b"}, {"empty", ""}, {"dup", "1"}, {"dup", "2"}}));
}

TEST(KeyValueList, EachBadEntryIsOneMessageAndTheRestIsKept) {
  const auto parsed = parse_key_value_list("a=1,no-equals,=no-key,bad=%zz,short=%4,tail=%,b=2");
  EXPECT_EQ(parsed.pairs, (pairs{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(parsed.errors,
            (std::vector<std::string>{"\"no-equals\" is not key=value", "\"=no-key\" has an empty key",
                                      "\"bad=%zz\" has a bad percent escape",
                                      "\"short=%4\" has a bad percent escape",
                                      "\"tail=%\" has a bad percent escape"}));
}

TEST(KeyValueList, EmptyAndBlankTextHaveNoEntries) {
  for (const char* text : {"", " ", ",,", " , "}) {
    const auto parsed = parse_key_value_list(text);
    EXPECT_TRUE(parsed.pairs.empty()) << text;
    EXPECT_TRUE(parsed.errors.empty()) << text;
  }
}

}  // namespace
