// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::heap alone: linking it interposes the allocator. With every allocation
// sampled, a known leak is in the written heap profile exactly. Argument: a directory to
// write the profile in.
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

namespace {

constexpr int kBlocks = 64;
constexpr std::size_t kBlockBytes = 8192;

[[gnu::noinline]] void install_leaky_function(std::vector<void*>& kept) {
  kept.push_back(std::malloc(kBlockBytes));
  asm volatile("" : : "g"(kept.back()) : "memory");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: heap_program DIRECTORY\n");
    return 2;
  }
  std::vector<void*> kept;
  kept.reserve(kBlocks);
  coroscope::heap::start({.sample_interval_bytes = 1});
  check(coroscope::heap::running(), "heap sampling runs");
  for (int i = 0; i < kBlocks; ++i) install_leaky_function(kept);
  coroscope::heap::stop();
  check(coroscope::heap::stats().sampled >= kBlocks, "the allocator is interposed: allocations were sampled");

  const std::string path = std::string(argv[1]) + "/heap.pb.gz";
  check(coroscope::heap::write_profile(path), "the heap profile is written to " + path);
  try {
    const coroscope::heap_profile profile = coroscope::decode_heap_pprof(install_test::read_file(path));
    std::int64_t space = 0, objects = 0;
    for (const auto& s : profile.samples)
      for (const auto& f : s.stack)
        if (f.function.find("install_leaky_function") != std::string::npos) {
          space += s.inuse_space;
          objects += s.inuse_objects;
          break;
        }
    check(profile.sample_interval == 1, "the profile says every allocation was sampled");
    check(space == kBlocks * static_cast<std::int64_t>(kBlockBytes),
          "install_leaky_function holds exactly the leaked bytes (" + std::to_string(space) + ")");
    check(objects == kBlocks, "... in 64 objects (" + std::to_string(objects) + ")");
  } catch (const std::exception& e) {
    check(false, std::string("the profile decodes with Go's four heap sample types: ") + e.what());
  }
  for (void* p : kept) std::free(p);
  return install_test::finish("heap_program");
}
