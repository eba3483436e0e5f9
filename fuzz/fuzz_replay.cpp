// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Replay files are opened from disk and may be damaged or foreign: the reader must
// refuse them with one line or read them to the end, never crash.
#include <coroscope/console_recording.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace {

const std::string& scratch_path() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/coroscope_fuzz_replay." +
           std::to_string(::getpid()) + ".rec";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = scratch_path();
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) std::abort();
    if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
    std::fclose(f);
  }
  std::string error;
  auto reader = coroscope::session_reader::open(path, error);
  if (!reader) {
    if (error.empty() || error.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  try {
    for (std::size_t i = 0; i < reader->size(); ++i) {
      const auto frame = reader->read(i);
      if (frame.kind != reader->kind(i)) std::abort();
    }
    const auto end = reader->seek(reader->duration());
    if (end > reader->size()) std::abort();
    (void)reader->state_until(reader->size());
    (void)reader->state_until(reader->size() / 2);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
