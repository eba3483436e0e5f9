// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <unistd.h>

#include <array>
#include <string>
#include <string_view>

namespace coroscope::detail {

/// The running binary's path from /proc/self/exe, or empty when it cannot be read. A
/// binary replaced on disk since it started keeps its old path (without " (deleted)").
inline std::string executable_path() {
  std::array<char, 4096> buffer{};
  const ssize_t size = ::readlink("/proc/self/exe", buffer.data(), buffer.size());
  if (size <= 0 || static_cast<std::size_t>(size) >= buffer.size()) return {};
  std::string_view path(buffer.data(), static_cast<std::size_t>(size));
  constexpr std::string_view deleted = " (deleted)";
  if (path.ends_with(deleted)) path.remove_suffix(deleted.size());
  return std::string(path);
}

}  // namespace coroscope::detail
