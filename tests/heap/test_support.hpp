// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "../support/temp_dir.hpp"

#include <coroscope/heap.hpp>
#include <coroscope/heap_profile.hpp>

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

/// Helpers the heap tests share.
namespace coroscope::heap_test {

using coroscope::test::temp_dir;

/// Runs `command` with sh, returning its stdout (and "[exit status N]" when it failed).
inline std::string run(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  if (status != 0) output += "\n[exit status " + std::to_string(status) + "]";
  return output;
}

inline bool have_go() { return std::system("command -v go >/dev/null 2>&1") == 0; }

/// `go tool pprof ARGS PROFILE` with a private Go cache in `dir`, offline.
inline std::string go_pprof(const temp_dir& dir, const std::string& args, const std::string& profile) {
  const std::string env = "cd '" + dir.path().string() + "' && HOME='" + dir.path().string() +
                          "' GOCACHE='" + (dir.path() / "gocache").string() +
                          "' GOFLAGS=-mod=mod GOPROXY=off ";
  return run(env + "go tool pprof " + args + " '" + profile + "' 2>&1");
}

/// Sums of a profile's values over the samples whose `task` label is `task`.
struct totals {
  std::int64_t alloc_objects = 0, alloc_space = 0, inuse_objects = 0, inuse_space = 0;
};
inline totals task_totals(const heap_profile& profile, const std::string& task) {
  totals t;
  for (const heap_sample& s : profile.samples) {
    auto it = s.labels.find("task");
    if (it == s.labels.end() || it->second != task) continue;
    t.alloc_objects += s.alloc_objects;
    t.alloc_space += s.alloc_space;
    t.inuse_objects += s.inuse_objects;
    t.inuse_space += s.inuse_space;
  }
  return t;
}

/// Joins the allocating threads of a concurrent heap test to the thread that takes
/// profiles: each allocating thread waits halfway through its work until a profile has
/// been taken with every thread halfway, so at least one profile falls in the middle of
/// their allocations however the threads are scheduled; more race with the rest.
class profiling_gate {
 public:
  explicit profiling_gate(int threads) : threads_(threads) {}

  /// An allocating thread, halfway through its work.
  void halfway() {
    halfway_.fetch_add(1);
    while (profiles_.load() == 0) std::this_thread::yield();
  }
  /// An allocating thread, done.
  void finished() { finished_.fetch_add(1); }

  /// Takes heap profiles back to back from when every thread is halfway until every
  /// thread is done.
  void profile_until_finished() {
    while (halfway_.load() < threads_) std::this_thread::yield();
    do {
      (void)coroscope::heap::profile();
      profiles_.fetch_add(1);
    } while (finished_.load() < threads_);
  }

 private:
  const int threads_;
  std::atomic<int> halfway_{0};
  std::atomic<int> finished_{0};
  std::atomic<int> profiles_{0};
};

/// True when some frame of `stack` names a function containing `name`.
inline bool has_function(const std::vector<frame>& stack, const std::string& name) {
  for (const frame& f : stack)
    if (f.function.find(name) != std::string::npos) return true;
  return false;
}

}  // namespace coroscope::heap_test
