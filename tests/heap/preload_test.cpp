// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// libcoroscope_heap.so preloaded into programs (preload_hosts/): one built without any
// coroscope library, one linked with coroscope::coroscope, one with a protobuf file of its
// own named profile.proto. A preload library must never abort its host.
#include "preload_hosts/workload.hpp"
#include "test_support.hpp"

#include <coroscope/heap_profile.hpp>
#include <coroscope/heap_pprof.hpp>

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

  static std::string run_preloaded(const std::string& env, const std::string& host = COROSCOPE_PRELOAD_PLAIN_HOST) {
    return run(env + " LD_PRELOAD='" COROSCOPE_HEAP_PRELOAD "' '" + host + "' 2>&1");
  }

  /// With every allocation sampled, the profile at `path` holds exactly the hosts' leak
  /// under `keep_forever`, and `go tool pprof` reads it as a heap profile.
  static void expect_exact_leak(const temp_dir& dir, const std::string& path) {
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " was not written";
    const coroscope::heap_profile profile = coroscope::decode_heap_pprof(read_file(path));
    EXPECT_EQ(profile.sample_interval, 1);
    std::int64_t leaked = 0, leaked_objects = 0;
    for (const auto& s : profile.samples) {
      if (!has_function(s.stack, "keep_forever")) continue;
      leaked += s.inuse_space;
      leaked_objects += s.inuse_objects;
    }
    EXPECT_EQ(leaked, preload_host::kLeakedBytes);
    EXPECT_EQ(leaked_objects, preload_host::kLeakedBlocks);
    if (have_go()) {
      const std::string top = go_pprof(dir, "-sample_index=inuse_space -top", path);
      EXPECT_EQ(top.find("[exit status"), std::string::npos) << top;
      EXPECT_NE(top.find("Type: inuse_space"), std::string::npos) << top;
      EXPECT_NE(top.find("keep_forever"), std::string::npos) << top;
    }
  }
};

// Generated protobuf code registers its .proto file in libprotobuf's process-wide
// descriptor pool when loaded; a host that registered the same file name first (any
// program linking coroscope::exporter has "profile.proto") makes protobuf abort. The
// library must carry no generated protobuf file at all.
TEST_F(heap_preload_test, library_registers_no_protobuf_file) {
  const std::string symbols = run("nm --defined-only '" COROSCOPE_HEAP_PRELOAD "'");
  ASSERT_NE(symbols.find("coroscope_heap_interposed"), std::string::npos)
      << "nm did not list the library's symbols:\n" << symbols.substr(0, 2000);
  EXPECT_EQ(symbols.find("descriptor_table_"), std::string::npos)
      << "libcoroscope_heap.so links protoc-generated code (a descriptor_table_ symbol)";
}

TEST_F(heap_preload_test, program_linked_with_coroscope_runs_and_gets_a_profile) {
  temp_dir dir;
  const std::string path = (dir.path() / "heap.pb.gz").string();
  const std::string output = run_preloaded(
      "COROSCOPE_HEAP_SAMPLE_BYTES=1 COROSCOPE_HEAP_PROFILE='" + path + "'", COROSCOPE_PRELOAD_PROBE_HOST);
  // The leaked bytes, then the 9 tasks the probe saw complete; nothing else (no abort).
  EXPECT_EQ(output, std::to_string(preload_host::kLeakedBytes) + "\n9\n");
  expect_exact_leak(dir, path);
}

TEST_F(heap_preload_test, program_with_its_own_profile_proto_runs_and_gets_a_profile) {
  temp_dir dir;
  const std::string path = (dir.path() / "heap.pb.gz").string();
  const std::string output = run_preloaded(
      "COROSCOPE_HEAP_SAMPLE_BYTES=1 COROSCOPE_HEAP_PROFILE='" + path + "'", COROSCOPE_PRELOAD_PROTO_HOST);
  EXPECT_EQ(output, "profile.proto\n" + std::to_string(preload_host::kLeakedBytes) + "\n");
  expect_exact_leak(dir, path);
}

TEST_F(heap_preload_test, uninstrumented_program_with_many_threads_gets_a_profile) {
  temp_dir dir;
  const std::string path = (dir.path() / "heap.pb.gz").string();
  const std::string output = run_preloaded("COROSCOPE_HEAP_PROFILE='" + path + "'");
  EXPECT_EQ(output, std::to_string(preload_host::kLeakedBytes) + "\n");
  const coroscope::heap_profile profile = coroscope::decode_heap_pprof(read_file(path));
  EXPECT_EQ(profile.sample_interval, 512 * 1024);
  std::int64_t leaked = 0, allocated = 0;
  for (const auto& s : profile.samples) {
    allocated += s.alloc_space;
    if (has_function(s.stack, "keep_forever")) leaked += s.inuse_space;
  }
  // 32 MiB leaked in 64 KiB blocks (each sampled with probability 12%): an estimate,
  // within half of it (about four standard deviations).
  EXPECT_NEAR(static_cast<double>(leaked), preload_host::kLeakedBytes, preload_host::kLeakedBytes / 2.0);
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
  EXPECT_EQ(output, std::to_string(preload_host::kLeakedBytes) + "\n");
  std::string written;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    if (entry.path().filename().string().starts_with("heap.")) written = entry.path().string();
  ASSERT_FALSE(written.empty());
  EXPECT_EQ(written.find("%p"), std::string::npos);
  expect_exact_leak(dir, written);
}

TEST_F(heap_preload_test, bad_environment_is_one_line_and_the_program_runs) {
  const std::string output = run_preloaded("COROSCOPE_HEAP_SAMPLE_BYTES=nope COROSCOPE_HEAP_PROFILE=");
  EXPECT_NE(output.find("COROSCOPE_HEAP_SAMPLE_BYTES=\"nope\""), std::string::npos) << output;
  EXPECT_NE(output.find("COROSCOPE_HEAP_PROFILE is not set"), std::string::npos) << output;
  EXPECT_NE(output.find(std::to_string(preload_host::kLeakedBytes)), std::string::npos) << output;
}

}  // namespace
