// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace coroscope::test {

/// A fresh directory under the system temp dir, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("coroscope-http-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Creates `path` with some content and sets its modification time `age` in the past.
inline void make_file_aged(const std::filesystem::path& path, std::chrono::seconds age) {
  std::ofstream(path) << "x";
  const auto when = std::chrono::system_clock::now() - age;
  const auto secs = std::chrono::system_clock::to_time_t(when);
  struct timespec times[2] = {{secs, 0}, {secs, 0}};
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

}  // namespace coroscope::test
