// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/base/key_value_list.hpp"

#include <optional>

#include "coroscope/base/env_error_line.hpp"
#include "coroscope/base/env_reader.hpp"
#include "coroscope/base/hex.hpp"

namespace coroscope::base {
namespace {

using env::trim;

/// Decodes `%XX` escapes; nullopt when a `%` is not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
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
    auto key = percent_decode(trim(entry.substr(0, equals)));
    auto value = percent_decode(trim(entry.substr(equals + 1)));
    if (!key || !value) {
      result.errors.push_back(env::quoted(entry) + " has a bad percent escape");
      continue;
    }
    if (key->empty()) {
      result.errors.push_back(env::quoted(entry) + " has an empty key");
      continue;
    }
    result.pairs.emplace_back(*std::move(key), *std::move(value));
  }
  return result;
}

}  // namespace coroscope::base
