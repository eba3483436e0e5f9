// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Hostile profiles given to the `coroscope` tool: each is refused with exit code 2 and one
// line naming the limit it broke, and the tool's peak memory (the child's ru_maxrss) stays
// a small fraction of what the input asks for. Before the limits the tool peaked at 11 GB
// on the 300 MiB bomb below (it parsed what it inflated), 700 MB on 3M tiny samples and
// 685 MB on the repeated long name.
#include "../support/hostile_pprof.hpp"
#include "../support/temp_dir.hpp"
#include "svg_check.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
namespace hostile = coroscope::test::hostile;
using coroscope::test::temp_dir;

/// Far below what any of the inputs asks for (256 MiB and more), far above what the tool
/// needs to read a few MB and refuse them (about 10 MiB; more under a sanitizer).
constexpr long kMaxPeakKiB = 96 * 1024;

struct child_result {
  int exit_code = -1;
  long peak_kib = 0;  ///< ru_maxrss of the child alone (wait4)
  std::string err;
};

/// Runs the built tool with `args`, stdout to /dev/null, stderr to a file; wait4 gives the
/// child's own peak RSS.
child_result run_tool(const temp_dir& dir, const std::vector<std::string>& args) {
  const std::string err_path = (dir.path() / "stderr.txt").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv_text{COROSCOPE_TOOL};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, COROSCOPE_TOOL, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  child_result r;
  if (spawned != 0) {
    ADD_FAILURE() << "posix_spawn failed: " << spawned;
    return r;
  }
  int status = 0;
  rusage usage{};
  if (::wait4(pid, &status, 0, &usage) != pid) {
    ADD_FAILURE() << "wait4 failed";
    return r;
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.peak_kib = usage.ru_maxrss;
  std::ifstream in(err_path);
  std::stringstream text;
  text << in.rdbuf();
  r.err = text.str();
  return r;
}

using coroscope::test::write_file;

/// Refused as a file error naming `path`, with one line holding `reason`, in bounded memory.
void expect_refused(const temp_dir& dir, const std::string& command, const fs::path& path,
                    const std::string& reason) {
  SCOPED_TRACE(command + " " + path.filename().string());
  const child_result r = run_tool(dir, {command, path.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(r.err.starts_with("coroscope: " + path.string() + ": ")) << r.err;
  EXPECT_NE(r.err.find(reason), std::string::npos) << r.err;
  EXPECT_LT(r.peak_kib, kMaxPeakKiB) << r.err;
}

TEST(hostile_profile, gzip_bomb_is_refused_before_it_inflates) {
  temp_dir dir;
  // 300 MiB of well-formed protobuf in well under 1 MiB.
  const fs::path bomb = dir.path() / "bomb.pb.gz";
  write_file(bomb, hostile::gzip_bomb(std::size_t{300} << 20));
  expect_refused(dir, "top", bomb, "pprof profile refused: gzip data inflates past");
  expect_refused(dir, "leaks", bomb, "heap profile refused: gzip data inflates past");
}

TEST(hostile_profile, millions_of_tiny_samples_are_refused) {
  temp_dir dir;
  const fs::path many = dir.path() / "many.pb.gz";
  write_file(many, hostile::many_tiny_samples(3'000'000));
  ASSERT_LT(fs::file_size(many), 64u * 1024);  // tiny on disk
  expect_refused(dir, "collapse", many, "pprof profile refused: gzip data inflates past");
}

TEST(hostile_profile, a_long_name_repeated_by_reference_is_refused_before_decoding) {
  temp_dir dir;
  // 16 KiB name, 16384 references: 33 KB raw, about 270 MB decoded. Not gzipped, so
  // only the decoded-size limit can catch it.
  const fs::path repeated = dir.path() / "repeated.pb";
  write_file(repeated, hostile::repeated_long_frame(16 * 1024, 16 * 1024));
  expect_refused(dir, "flamegraph", repeated, "pprof profile refused: decoding it would take");
  expect_refused(dir, "leaks", repeated, "heap profile refused: decoding it would take");
}

TEST(hostile_profile, the_same_shapes_at_a_sane_size_are_read) {
  temp_dir dir;
  // Control: the limits refuse the amplification, not the shape.
  const fs::path few = dir.path() / "few.pb.gz";
  write_file(few, hostile::many_tiny_samples(1000));
  const child_result r = run_tool(dir, {"top", few.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const fs::path repeated = dir.path() / "repeated.pb";
  write_file(repeated, hostile::repeated_long_frame(64, 64));
  EXPECT_EQ(run_tool(dir, {"collapse", repeated.string()}).exit_code, 0);
}

}  // namespace
