// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Reads a heap profile another program wrote (the LD_PRELOAD test's) with
// coroscope::exporter's decoder: it must hold Go's four heap sample types (the decoder
// refuses it otherwise) and allocations.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

#include <coroscope/heap_profile.hpp>
#include <coroscope/heap_pprof.hpp>

#include "check.hpp"

using install_test::check;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: heap_profile_reader PROFILE\n");
    return 2;
  }
  try {
    const coroscope::heap_profile profile = coroscope::decode_heap_pprof(install_test::read_file(argv[1]));
    std::int64_t allocated = 0;
    for (const auto& s : profile.samples) allocated += s.alloc_space;
    check(allocated > 0, std::string(argv[1]) + " decodes as a heap profile and holds allocations (" +
                             std::to_string(allocated) + " bytes in " + std::to_string(profile.samples.size()) +
                             " samples)");
  } catch (const std::exception& e) {
    check(false, std::string(argv[1]) + " decodes: " + e.what());
  }
  return install_test::finish("heap_profile_reader");
}
