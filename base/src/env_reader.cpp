// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/base/env_reader.hpp>

#include <coroscope/base/env_error_line.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace coroscope::env {

std::string_view trim(std::string_view text) {
  constexpr std::string_view kWhitespace = " \t\r\n\f\v";
  const auto first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kWhitespace);
  return text.substr(first, last - first + 1);
}

reader::reader(const char* (*getenv_like)(const char* name)) {
  if (getenv_like == nullptr) return;
  lookup_ = [getenv_like](std::string_view name) -> std::optional<std::string> {
    const char* value = getenv_like(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

reader reader::empty() {
  return reader([](std::string_view) { return std::optional<std::string>(); });
}

reader reader::without(std::vector<std::string> names) const {
  reader out = *this;
  out.lookup_ = [inner = *this, names = std::move(names)](std::string_view name) {
    if (std::find(names.begin(), names.end(), name) != names.end())
      return std::optional<std::string>();
    return inner.raw(name);
  };
  return out;
}

reader reader::reporting_to(sink_fn sink) const {
  reader out = *this;
  out.sink_ = std::move(sink);
  return out;
}

std::optional<std::string> reader::raw(std::string_view name) const {
  if (lookup_) return lookup_(name);
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::optional<std::string> reader::non_empty(std::string_view name) const {
  auto value = raw(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

std::optional<std::string> reader::trimmed(std::string_view name) const {
  const auto value = raw(name);
  if (!value) return std::nullopt;
  const std::string_view inner = trim(*value);
  if (inner.empty()) return std::nullopt;
  return std::string(inner);
}

void reader::report(std::string_view text) const { write(error_line(text)); }

void reader::report(std::string_view name, std::string_view value, std::string_view problem) const {
  write(error_line(name, value, problem));
}

void reader::write(const std::string& line) const {
  if (sink_) {
    sink_(line);
  } else {
    std::fputs(line.c_str(), stderr);
  }
}

}  // namespace coroscope::env
