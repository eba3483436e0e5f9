// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/base/env_error_line.hpp>

#include <array>
#include <cstdio>

namespace coroscope::env {
namespace {

constexpr std::string_view kPrefix = "coroscope: ";
constexpr std::string_view kCutMark = "... (cut)";

bool is_control(unsigned char byte) { return byte < 0x20 || byte == 0x7f; }

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

void append_escape(std::string& out, unsigned char byte) {
  std::array<char, 5> escape{};
  std::snprintf(escape.data(), escape.size(), "\\x%02x", byte);
  out += escape.data();
}

/// The longest prefix of `text` of at most `max` bytes that ends between UTF-8 characters.
std::string_view utf8_prefix(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t cut = max;
  while (cut > 0 && is_continuation(text[cut])) --cut;
  return text.substr(0, cut);
}

}  // namespace

std::string quoted(std::string_view value) {
  const std::string_view shown = utf8_prefix(value, kMaxShownValue);
  std::string out = "\"";
  for (const char c : shown) {
    const auto byte = static_cast<unsigned char>(c);
    if (is_control(byte) || c == '"' || c == '\\')
      append_escape(out, byte);
    else
      out += c;
  }
  out += '"';
  if (shown.size() < value.size()) out += "... (" + std::to_string(value.size()) + " bytes)";
  return out;
}

std::string error_line(std::string_view name, std::string_view value, std::string_view problem) {
  std::string text(name);
  text += '=';
  text += quoted(value);
  text += ' ';
  text += problem;
  return error_line(text);
}

std::string error_line(std::string_view text) {
  // What the text may take: the line less the prefix, the newline and a cut mark.
  const std::size_t room = kMaxLine - kPrefix.size() - 1 - kCutMark.size();
  std::string out(kPrefix);
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t width = is_control(byte) ? 4 : 1;
    if (out.size() - kPrefix.size() + width > room) break;
    if (is_control(byte))
      append_escape(out, byte);
    else
      out += text[i];
  }
  if (i < text.size()) {
    // Not inside a UTF-8 character: drop the bytes of the one that was cut.
    while (i > 0 && is_continuation(text[i]) && static_cast<unsigned char>(text[i - 1]) >= 0x80) {
      out.pop_back();
      --i;
    }
    out += kCutMark;
  }
  out += '\n';
  return out;
}

void report(std::string_view name, std::string_view value, std::string_view problem) {
  std::fputs(error_line(name, value, problem).c_str(), stderr);
}

void report(std::string_view text) { std::fputs(error_line(text).c_str(), stderr); }

}  // namespace coroscope::env
