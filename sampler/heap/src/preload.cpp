// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// libcoroscope_heap.so: LD_PRELOAD it into any program. It starts sampling when loaded
// (COROSCOPE_HEAP_SAMPLE_BYTES, default 512 KiB) and writes COROSCOPE_HEAP_PROFILE when
// the program exits through exit() or a return from main (not _exit or a fatal signal).
#include "heap_state.hpp"
#include "real_functions.hpp"

#include <coroscope/heap.hpp>
#include <coroscope/heap_profile_file.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>

namespace {

void write_at_exit() {
  coroscope::heap::stop();
  coroscope::heap::write_profile_from_environment();
}

[[gnu::constructor]] void start_at_load() {
  coroscope::heap::detail::resolve_real_functions();
  try {
    coroscope::heap::start(coroscope::heap::options_from_environment());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "coroscope: heap sampler not started: %s\n", e.what());
    return;
  }
  const char* path = std::getenv("COROSCOPE_HEAP_PROFILE");
  if (path == nullptr || *path == '\0') {
    std::fprintf(stderr, "coroscope: COROSCOPE_HEAP_PROFILE is not set; no heap profile will be written\n");
    return;
  }
  std::atexit(&write_at_exit);
}

}  // namespace
