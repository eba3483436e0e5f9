// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// `coroscope leaks PROFILE...` on heap profiles written by write_heap_pprof.
#include "test_support.hpp"

#include <coroscope/heap_profile.hpp>
#include <coroscope/heap_pprof.hpp>

#include <gtest/gtest.h>

namespace {

using namespace coroscope::heap_test;

coroscope::heap_profile snapshot(int index) {
  coroscope::heap_profile p;
  p.sample_interval = 1;
  p.time_ns = 1'000'000'000ULL * (100 + static_cast<std::uint64_t>(index));
  coroscope::frame leaf;
  leaf.function = "session::remember";
  leaf.file = "session.cpp";
  leaf.line = 31;
  coroscope::heap_sample s;
  s.stack = {leaf};
  s.labels = {{"task", "session"}};
  s.inuse_space = 1000 * (index + 1);
  s.inuse_objects = index + 1;
  s.oldest_alloc_ns = p.time_ns - 1'000'000'000ULL * static_cast<std::uint64_t>(index);
  p.samples.push_back(s);
  return p;
}

TEST(heap_leaks_command, ranks_the_growing_site) {
  temp_dir dir;
  std::string args;
  for (int i = 0; i < 3; ++i) {
    const std::string path = (dir.path() / ("heap" + std::to_string(i) + ".pb.gz")).string();
    coroscope::write_heap_pprof(snapshot(i), path);
    args += " '" + path + "'";
  }
  const std::string out = run("'" COROSCOPE_TOOL "' leaks" + args + " 2>&1");
  EXPECT_NE(out.find("#1  growing: 2.93 KiB in use (3 objects), +1.95 KiB over 3 snapshots"), std::string::npos)
      << out;
  EXPECT_NE(out.find("task: session"), std::string::npos) << out;
  EXPECT_NE(out.find("session::remember  session.cpp:31"), std::string::npos) << out;
  const std::string old = run("'" COROSCOPE_TOOL "' leaks --age 1" + args + " 2>&1");
  EXPECT_NE(old.find("growing, old"), std::string::npos) << old;
}

TEST(heap_leaks_command, bad_file_is_one_line_with_the_path) {
  temp_dir dir;
  const std::string missing = (dir.path() / "missing.pb.gz").string();
  const std::string out = run("'" COROSCOPE_TOOL "' leaks '" + missing + "' 2>&1");
  EXPECT_NE(out.find("coroscope: " + missing + ": No such file or directory\n"), std::string::npos) << out;
  EXPECT_NE(out.find("[exit status"), std::string::npos) << out;
}

}  // namespace
