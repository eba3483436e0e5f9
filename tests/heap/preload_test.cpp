// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// libcoroscope_heap.so preloaded into a program built without any coroscope library.
#include "test_support.hpp"

#include <coroscope/heap_profile.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

using namespace coroscope::heap_test;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

class heap_preload_test : public testing::Test {
 protected:
  void SetUp() override {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "the preload library of a sanitizer build needs the sanitizer runtime "
                    "loaded first; the LD_PRELOAD tests run in the plain build";
#endif
  }

  std::string run_preloaded(const std::string& env) {
    return run(env + " LD_PRELOAD='" COROSCOPE_HEAP_PRELOAD "' '" COROSCOPE_PRELOAD_TARGET "' 2>&1");
  }
};

TEST_F(heap_preload_test, uninstrumented_program_with_many_threads_gets_a_profile) {
  temp_dir dir;
  const std::string path = (dir.path() / "heap.pb.gz").string();
  const std::string output = run_preloaded("COROSCOPE_HEAP_PROFILE='" + path + "'");
  EXPECT_EQ(output, std::to_string(512 * 64 * 1024) + "\n");
  const coroscope::heap_profile profile = coroscope::decode_heap_pprof(read_file(path));
  EXPECT_EQ(profile.sample_interval, 512 * 1024);
  std::int64_t leaked = 0, allocated = 0;
  for (const auto& s : profile.samples) {
    allocated += s.alloc_space;
    if (has_function(s.stack, "keep_forever")) leaked += s.inuse_space;
  }
  // 32 MiB leaked in 64 KiB blocks (each sampled with probability 12%): an estimate,
  // within half of it (about four standard deviations).
  EXPECT_NEAR(static_cast<double>(leaked), 32.0 * 1024 * 1024, 16.0 * 1024 * 1024);
  // 8 threads x 20000 x ~4.6 KB churned: about 740 MB.
  EXPECT_GT(allocated, 500'000'000);

  if (have_go()) {
    const std::string top = go_pprof(dir, "-sample_index=inuse_space -top", path);
    EXPECT_EQ(top.find("[exit status"), std::string::npos) << top;
    EXPECT_NE(top.find("keep_forever"), std::string::npos) << top;
  }
}

TEST_F(heap_preload_test, sample_every_allocation_and_pid_in_the_path) {
  temp_dir dir;
  const std::string pattern = (dir.path() / "heap.%p.pb.gz").string();
  const std::string output = run_preloaded("COROSCOPE_HEAP_SAMPLE_BYTES=1 COROSCOPE_HEAP_PROFILE='" + pattern + "'");
  EXPECT_EQ(output, std::to_string(512 * 64 * 1024) + "\n");
  std::string written;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    if (entry.path().filename().string().starts_with("heap.")) written = entry.path().string();
  ASSERT_FALSE(written.empty());
  EXPECT_EQ(written.find("%p"), std::string::npos);
  const coroscope::heap_profile profile = coroscope::decode_heap_pprof(read_file(written));
  std::int64_t leaked = 0, leaked_objects = 0;
  for (const auto& s : profile.samples) {
    if (!has_function(s.stack, "keep_forever")) continue;
    leaked += s.inuse_space;
    leaked_objects += s.inuse_objects;
  }
  EXPECT_EQ(leaked, 512 * 64 * 1024);
  EXPECT_EQ(leaked_objects, 512);
}

TEST_F(heap_preload_test, bad_environment_is_one_line_and_the_program_runs) {
  const std::string output = run_preloaded("COROSCOPE_HEAP_SAMPLE_BYTES=nope COROSCOPE_HEAP_PROFILE=");
  EXPECT_NE(output.find("COROSCOPE_HEAP_SAMPLE_BYTES=\"nope\""), std::string::npos) << output;
  EXPECT_NE(output.find("COROSCOPE_HEAP_PROFILE is not set"), std::string::npos) << output;
  EXPECT_NE(output.find(std::to_string(512 * 64 * 1024)), std::string::npos) << output;
}

}  // namespace
