// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::heap_core without the interposed allocator (what coroscope::heap adds), and
// coroscope::heap_file to write its profile. Sampling starts and stops, but this program's
// allocations are not seen; the environment, the process's RSS and an (empty) profile work.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <coroscope/heap.hpp>
#include <coroscope/heap_profile_file.hpp>
#include <coroscope/heap_profile.hpp>
#include <coroscope/heap_pprof.hpp>

#include "check.hpp"

using install_test::check;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: heap_core_program DIRECTORY\n");
    return 2;
  }
  ::setenv("COROSCOPE_HEAP_SAMPLE_BYTES", "4096", 1);
  check(coroscope::heap::options_from_environment().sample_interval_bytes == 4096,
        "COROSCOPE_HEAP_SAMPLE_BYTES is read");

  check(!coroscope::heap::interposed(), "without coroscope::heap the allocator is not interposed");
  coroscope::heap::start({.sample_interval_bytes = 1});
  check(coroscope::heap::running(), "heap sampling runs");
  std::vector<void*> blocks;
  for (int i = 0; i < 64; ++i) blocks.push_back(std::malloc(4096));
  coroscope::heap::stop();
  check(coroscope::heap::stats().sampled == 0, "without coroscope::heap no allocation is interposed");
  for (void* p : blocks) std::free(p);

  const auto rss = coroscope::heap::resident_set_bytes();
  check(rss && *rss > 0, "the resident set size is read");

  const std::string path = std::string(argv[1]) + "/heap-core.pb.gz";
  check(coroscope::heap::write_profile(path), "a heap profile is written");
  try {
    const coroscope::heap_profile profile = coroscope::decode_heap_pprof(install_test::read_file(path));
    check(profile.samples.empty() && profile.sample_interval == 1, "it is empty, with the sampling interval");
  } catch (const std::exception& e) {
    check(false, std::string("the profile decodes: ") + e.what());
  }
  return install_test::finish("heap_core_program");
}
