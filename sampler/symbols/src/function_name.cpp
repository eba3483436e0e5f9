// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "function_name.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>

namespace coroscope::detail {
namespace {

void erase_all(std::string& s, std::string_view what) {
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at)) s.erase(at, what.size());
}

bool erase_suffix(std::string& s, std::string_view suffix) {
  if (s.size() <= suffix.size() || !std::string_view{s}.ends_with(suffix)) return false;
  s.resize(s.size() - suffix.size());
  return true;
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
    erase_all(*name, " [clone .actor]");
    erase_all(*name, " [clone .destroy]");
    return *name;
  }
  // Not a C++ name (or one the demangler rejects): strip the raw suffixes.
  std::string name = raw;
  if (!erase_suffix(name, ".actor")) erase_suffix(name, ".destroy");
  return name;
}

}  // namespace coroscope::detail
