// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "function_name.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <optional>
#include <string_view>

namespace coroscope::detail {
namespace {

// Removes every ` [clone .suffix]` the demangler wrote.
void erase_clone_notes(std::string& s) {
  static constexpr std::string_view note = " [clone ";
  for (auto at = s.find(note); at != std::string::npos; at = s.find(note, at)) {
    const auto end = s.find(']', at);
    if (end == std::string::npos) return;
    s.erase(at, end + 1 - at);
  }
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// The length of `raw` without GCC's clone suffixes: `.cold`, `.localalias`, `.actor`,
// `.destroy`, and `.constprop.N`, `.isra.N`, `.part.N`, `.lto_priv.N`, `.clone.N`, in any
// sequence (`foo.part.0.cold`). A name that is nothing but suffixes keeps its first.
std::size_t without_clone_suffixes(std::string_view raw) {
  static constexpr std::string_view bare[] = {"cold", "localalias", "actor", "destroy"};
  static constexpr std::string_view numbered[] = {"constprop", "isra", "part", "lto_priv", "clone"};
  const auto one_of = [](const auto& words, std::string_view word) {
    return std::find(std::begin(words), std::end(words), word) != std::end(words);
  };
  std::size_t end = raw.size();
  while (end > 0) {
    const auto dot = raw.rfind('.', end - 1);
    if (dot == std::string_view::npos || dot == 0) break;
    const std::string_view last = raw.substr(dot + 1, end - dot - 1);
    if (one_of(bare, last)) {
      end = dot;
      continue;
    }
    const auto word_dot = all_digits(last) ? raw.rfind('.', dot - 1) : std::string_view::npos;
    if (word_dot == std::string_view::npos || word_dot == 0 ||
        !one_of(numbered, raw.substr(word_dot + 1, dot - word_dot - 1)))
      break;
    end = word_dot;
  }
  return end;
}

std::optional<std::string> demangle(const std::string& mangled) {
  if (!mangled.starts_with("_Z")) return std::nullopt;
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> out{
      abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status), &std::free};
  if (status != 0 || !out) return std::nullopt;
  return std::string{out.get()};
}

// GCC 12 names a coroutine's actor and destroyer as functions taking the coroutine
// frame, a local type named after the ramp (the coroutine as written) as
// `<length><ramp's mangled name>.Frame`:
//   _ZN2ns4coroEPZNS_4coroEiE21_ZN2ns4coroEi.Frame.actor[.cold]   (ELF symbol)
//   _ZN2ns4coroEPZNS_4coroEiE21_ZN2ns4coroEi.Frame                (DWARF linkage name)
// give the ramp `_ZN2ns4coroEi` plus what follows the clone suffix (`.cold`). No other
// mangled name has a `.` inside a length-prefixed name.
std::optional<std::string> coroutine_ramp(std::string_view raw) {
  static constexpr std::string_view frame_type = ".Frame";
  auto at = raw.find(frame_type);
  if (at == std::string_view::npos) return std::nullopt;
  auto type_end = at + frame_type.size();
  std::string_view rest = raw.substr(type_end);
  if (rest.starts_with(".actor"))
    rest.remove_prefix(6);
  else if (rest.starts_with(".destroy"))
    rest.remove_prefix(8);
  else if (!rest.empty())
    return std::nullopt;
  if (!rest.empty() && rest[0] != '.') return std::nullopt;
  // The type's name starts at some "_Z" right after its decimal length.
  for (auto start = raw.rfind("_Z", at); start != std::string_view::npos && start > 0;
       start = raw.rfind("_Z", start - 1)) {
    std::size_t length = 0;
    std::size_t scale = 1;
    for (auto d = start; d > 0 && raw[d - 1] >= '0' && raw[d - 1] <= '9' && scale <= 1'000'000; --d) {
      length += static_cast<std::size_t>(raw[d - 1] - '0') * scale;
      scale *= 10;
      if (length == type_end - start) return std::string{raw.substr(start, at - start)} + std::string{rest};
    }
  }
  return std::nullopt;
}

}  // namespace

std::string readable_function_name(const char* raw) {
  if (raw == nullptr) return {};
  std::string mangled = coroutine_ramp(raw).value_or(raw);
  if (auto name = demangle(mangled)) {
    erase_clone_notes(*name);
    return *name;
  }
  // Not a C++ name (or one the demangler rejects): strip the raw suffixes.
  const std::string_view name = raw;
  return std::string{name.substr(0, without_clone_suffixes(name))};
}

}  // namespace coroscope::detail
