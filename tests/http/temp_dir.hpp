// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "../support/temp_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace coroscope::test {

/// Creates `path` with some content and sets its modification time `age` in the past.
inline void make_file_aged(const std::filesystem::path& path, std::chrono::seconds age) {
  std::ofstream(path) << "x";
  const auto when = std::chrono::system_clock::now() - age;
  const auto secs = std::chrono::system_clock::to_time_t(when);
  struct timespec times[2] = {{secs, 0}, {secs, 0}};
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

}  // namespace coroscope::test
