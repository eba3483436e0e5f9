// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "attributes.hpp"

#include <coroscope/base/env_error_line.hpp>
#include <coroscope/base/env_reader.hpp>

#include <boost/url/pct_string_view.hpp>

namespace coroscope::detail {
namespace {

using env::trim;

// Boost.URL validates the escapes; a '+' stays a '+' (these are not form bodies).
bool percent_decode(std::string_view in, std::string& out) {
  auto pct = boost::urls::make_pct_string_view(in);
  if (!pct) return false;
  out = pct->decode();
  return true;
}

}  // namespace

key_value_list parse_key_value_list(std::string_view text) {
  key_value_list result;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view entry = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (entry.empty()) continue;
    const auto equals = entry.find('=');
    if (equals == std::string_view::npos) {
      result.errors.push_back(env::quoted(entry) + " is not key=value");
      continue;
    }
    std::string key;
    std::string value;
    if (!percent_decode(trim(entry.substr(0, equals)), key) ||
        !percent_decode(trim(entry.substr(equals + 1)), value)) {
      result.errors.push_back(env::quoted(entry) + " has a bad percent escape");
      continue;
    }
    if (key.empty()) {
      result.errors.push_back(env::quoted(entry) + " has an empty key");
      continue;
    }
    result.pairs.emplace_back(std::move(key), std::move(value));
  }
  return result;
}

}  // namespace coroscope::detail
