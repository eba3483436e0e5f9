// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/heap_profile_file.hpp>

#include <coroscope/base/env_error_line.hpp>
#include <coroscope/heap.hpp>
#include <coroscope/heap_pprof.hpp>

#include <unistd.h>

#include <cstdlib>
#include <exception>

namespace coroscope::heap {
namespace {

/// The encoding and the file's buffers are the profiler's memory, not the program's.
class unsampled_scope {
 public:
  unsampled_scope() noexcept : was_(exclude_current_thread(true)) {}
  ~unsampled_scope() { exclude_current_thread(was_); }
  unsampled_scope(const unsampled_scope&) = delete;
  unsampled_scope& operator=(const unsampled_scope&) = delete;

 private:
  bool was_;
};

}  // namespace

bool write_profile(const std::string& path) {
  unsampled_scope unsampled;
  try {
    write_heap_pprof(profile(), path);
    return true;
  } catch (const std::exception& e) {
    // The message holds the path, from COROSCOPE_HEAP_PROFILE.
    env::report(std::string("cannot write heap profile: ") + e.what());
    return false;
  }
}

bool write_profile_from_environment() {
  const char* value = std::getenv("COROSCOPE_HEAP_PROFILE");
  if (value == nullptr || *value == '\0') return false;
  unsampled_scope unsampled;
  // `%p` becomes the process id, so the processes of a preloaded shell script do not
  // overwrite each other's profiles.
  std::string path(value);
  for (std::size_t at = path.find("%p"); at != std::string::npos; at = path.find("%p", at))
    path.replace(at, 2, std::to_string(::getpid()));
  return write_profile(path);
}

}  // namespace coroscope::heap
