// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Environment variables and /proc/self/statm.
#include <coroscope/base/env_error_line.hpp>
#include <coroscope/heap.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace coroscope::heap {

heap_options options_from_environment(heap_options base) {
  const char* value = std::getenv("COROSCOPE_HEAP_SAMPLE_BYTES");
  if (value == nullptr || *value == '\0') return base;
  const std::string_view text(value);
  std::uint64_t bytes = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), bytes);
  if (error != std::errc() || end != text.data() + text.size() || bytes == 0 || bytes > (1ULL << 40)) {
    env::report("COROSCOPE_HEAP_SAMPLE_BYTES", text,
                "is not a byte count in 1..2^40; using " + std::to_string(base.sample_interval_bytes));
    return base;
  }
  base.sample_interval_bytes = bytes;
  return base;
}

std::optional<std::int64_t> resident_set_bytes() {
  const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char buffer[128];
  const ssize_t n = ::read(fd, buffer, sizeof buffer - 1);
  ::close(fd);
  if (n <= 0) return std::nullopt;
  // "size resident shared ...", in pages.
  const char* p = buffer;
  const char* end = buffer + n;
  while (p < end && *p != ' ') ++p;
  std::int64_t pages = 0;
  if (p == end || std::from_chars(p + 1, end, pages).ec != std::errc()) return std::nullopt;
  return pages * static_cast<std::int64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace coroscope::heap
