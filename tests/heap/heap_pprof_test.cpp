// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "test_support.hpp"

#include <coroscope/heap_profile.hpp>
#include <coroscope/heap_pprof.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace {

using coroscope::frame;
using coroscope::heap_profile;
using coroscope::heap_sample;
using namespace coroscope::heap_test;

heap_profile sample_profile() {
  heap_profile p;
  p.sample_interval = 524288;
  p.time_ns = 1'700'000'000'000'000'000ULL;
  p.duration_ns = 5'000'000'000ULL;
  frame leaf;
  leaf.function = "cache::insert";
  leaf.file = "src/cache.cpp";
  leaf.line = 42;
  leaf.address = 0x1a2b;
  leaf.module = "/usr/bin/service";
  leaf.build_id = "abcdef";
  frame root;
  root.function = "main";
  root.file = "src/main.cpp";
  root.line = 7;
  root.address = 0x1000;
  root.module = "/usr/bin/service";
  frame task;
  task.function = "accept-loop";
  task.is_task_frame = true;

  heap_sample alloc;
  alloc.stack = {leaf, root};
  alloc.labels = {{"task", "accept-loop"}};
  alloc.alloc_objects = 1000;
  alloc.alloc_space = 4'194'304;
  p.samples.push_back(alloc);
  heap_sample live;
  live.stack = {leaf, task, root};
  live.labels = {{"task", "accept-loop"}, {"task_id", "17"}, {"worker", "2"},
                 {"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"}, {"span_id", "00f067aa0ba902b7"}};
  live.inuse_objects = 10;
  live.inuse_space = 40'960;
  live.oldest_alloc_ns = p.time_ns - 3'000'000'000ULL;
  p.samples.push_back(live);
  return p;
}

TEST(heap_pprof, round_trip_keeps_values_labels_stacks_and_age) {
  const heap_profile in = sample_profile();
  const heap_profile out = coroscope::decode_heap_pprof(coroscope::encode_heap_pprof(in));
  EXPECT_EQ(out.sample_interval, 524288);
  EXPECT_EQ(out.time_ns, in.time_ns);
  EXPECT_EQ(out.duration_ns, in.duration_ns);
  ASSERT_EQ(out.samples.size(), 2u);
  EXPECT_EQ(out.samples[0].alloc_objects, 1000);
  EXPECT_EQ(out.samples[0].alloc_space, 4'194'304);
  EXPECT_EQ(out.samples[0].inuse_space, 0);
  EXPECT_EQ(out.samples[0].oldest_alloc_ns, 0u);
  EXPECT_EQ(out.samples[1].inuse_objects, 10);
  EXPECT_EQ(out.samples[1].inuse_space, 40'960);
  EXPECT_EQ(out.samples[1].labels, in.samples[1].labels);
  EXPECT_EQ(out.samples[1].oldest_alloc_ns, in.samples[1].oldest_alloc_ns);
  ASSERT_EQ(out.samples[1].stack.size(), 3u);
  const frame& leaf = out.samples[1].stack[0];
  EXPECT_EQ(leaf.function, "cache::insert");
  EXPECT_EQ(leaf.file, "src/cache.cpp");
  EXPECT_EQ(leaf.line, 42u);
  EXPECT_EQ(leaf.address, 0x1a2bu);
  EXPECT_EQ(leaf.module, "/usr/bin/service");
  EXPECT_EQ(leaf.build_id, "abcdef");
  EXPECT_TRUE(out.samples[1].stack[1].is_task_frame);
  EXPECT_EQ(out.samples[1].stack[2].function, "main");
}

TEST(heap_pprof, rejects_bad_input_with_a_message) {
  for (const std::string& bad : {std::string(), std::string("\x1f\x8b garbage", 10), std::string("\xff\xff\xff")}) {
    try {
      coroscope::decode_heap_pprof(bad);
      ADD_FAILURE() << "accepted bad input";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("not a heap profile: ", 0), 0u) << e.what();
    }
  }
}

TEST(heap_pprof, write_is_atomic_and_reports_the_path) {
  temp_dir dir;
  const std::string path = (dir.path() / "heap.pb.gz").string();
  coroscope::write_heap_pprof(sample_profile(), path);
  std::ifstream file(path, std::ios::binary);
  std::stringstream content;
  content << file.rdbuf();
  EXPECT_EQ(coroscope::decode_heap_pprof(content.str()).samples.size(), 2u);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  try {
    coroscope::write_heap_pprof(sample_profile(), (dir.path() / "missing" / "x.pb.gz").string());
    ADD_FAILURE() << "wrote into a missing directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
}

TEST(heap_pprof_go_tool, reads_inuse_and_alloc_space) {
  if (!have_go()) GTEST_SKIP() << "`go` is not on PATH (Debian package golang-go); skipping go tool pprof check";
  temp_dir dir;
  const std::string path = (dir.path() / "heap.pb.gz").string();
  coroscope::write_heap_pprof(sample_profile(), path);
  const std::string inuse = go_pprof(dir, "-sample_index=inuse_space -top", path);
  EXPECT_EQ(inuse.find("[exit status"), std::string::npos) << inuse;
  EXPECT_NE(inuse.find("Type: inuse_space"), std::string::npos) << inuse;
  EXPECT_NE(inuse.find("40kB"), std::string::npos) << inuse;
  EXPECT_NE(inuse.find("cache::insert"), std::string::npos) << inuse;
  const std::string alloc = go_pprof(dir, "-sample_index=alloc_space -top", path);
  EXPECT_NE(alloc.find("Type: alloc_space"), std::string::npos) << alloc;
  EXPECT_NE(alloc.find("4MB"), std::string::npos) << alloc;
  const std::string tags = go_pprof(dir, "-tags", path);
  for (const char* value : {"accept-loop", "task_id", "worker", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"})
    EXPECT_NE(tags.find(value), std::string::npos) << value << " missing from:\n" << tags;
}

}  // namespace
