// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// examples/cpu_hotspots run with COROSCOPE_CPU_PROFILE: its planted hot functions in named
// tasks must come out on top, with task labels, trace/span ids and async stacks, and the
// profile must pass `go tool pprof -raw` / `-tags` and the `coroscope` CLI.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "coroscope/function_names.hpp"
#include "coroscope/pprof.hpp"
#include "run_command.hpp"

namespace {

namespace fs = std::filesystem;

using coroscope::test::command_result;

command_result run(const std::string& command) { return coroscope::test::run_command(command); }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool has_frame(const coroscope::cpu_profile& p, const coroscope::sample& s, const std::string& needle) {
  return std::any_of(s.stack.begin(), s.stack.end(), [&](std::uint32_t i) {
    return p.frames[i].function.find(needle) != std::string::npos;
  });
}

template <typename Map>
std::string top_key(const Map& m) {
  return std::max_element(m.begin(), m.end(), [](auto& a, auto& b) { return a.second < b.second; })
      ->first;
}

// One profiled run shared by the tests (it takes a few seconds).
class HotspotsProfile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("coroscope-integration-" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    // A CPU budget, not a wall-clock run: a loaded machine (CI's parallel tests) gives the
    // program less CPU per second, and fewer samples than the tests need to judge.
    const auto r = run("COROSCOPE_CPU_PROFILE='" + path() + "' COROSCOPE_SAMPLE_HZ=499 '" +
                       COROSCOPE_HOTSPOTS_EXE + "' --cpu-seconds 2 --seconds 120");
    run_output_ = new std::string(r.output);
    ASSERT_EQ(r.status, 0) << r.output;
    profile_ = new coroscope::cpu_profile(coroscope::decode_pprof(read_file(path())));
  }
  static void TearDownTestSuite() {
    std::error_code ignored;
    fs::remove_all(*dir_, ignored);
    delete dir_;
    delete profile_;
    delete run_output_;
  }
  static std::string path() { return (*dir_ / "cpu.pb.gz").string(); }
  static std::string go_env() {
    return "HOME='" + dir_->string() + "' GOCACHE='" + (*dir_ / "gocache").string() +
           "' GOFLAGS=-mod=mod GOPROXY=off ";
  }

  static fs::path* dir_;
  static coroscope::cpu_profile* profile_;
  static std::string* run_output_;
};
fs::path* HotspotsProfile::dir_ = nullptr;
coroscope::cpu_profile* HotspotsProfile::profile_ = nullptr;
std::string* HotspotsProfile::run_output_ = nullptr;

TEST_F(HotspotsProfile, TheProgramSaysWhereTheProfileIs) {
  EXPECT_NE(run_output_->find("wrote CPU profile"), std::string::npos) << *run_output_;
  EXPECT_NE(run_output_->find(path()), std::string::npos) << *run_output_;
}

TEST_F(HotspotsProfile, HottestFunctionAndTaskComeOutOnTop) {
  std::map<std::string, std::int64_t> self, tasks;
  std::int64_t total = 0;
  for (const auto& s : profile_->samples) {
    total += s.count;
    if (!s.stack.empty()) self[profile_->frames[s.stack.front()].function] += s.cpu_ns;
    if (const auto t = s.labels.find("task"); t != s.labels.end()) tasks[t->second] += s.cpu_ns;
  }
  ASSERT_GT(total, 100) << "too few samples to judge";
  // `spin` is the leaf of every hot function; its callers rank by what they planted.
  std::map<std::string, std::int64_t> planted;
  for (const auto& s : profile_->samples)
    for (const char* name : {"checksum_invoice", "tokenize_json", "hash_audit_line"})
      if (has_frame(*profile_, s, name)) planted[name] += s.cpu_ns;
  EXPECT_EQ(top_key(planted), "checksum_invoice");
  EXPECT_GT(planted["checksum_invoice"], planted["tokenize_json"]);
  EXPECT_GT(planted["tokenize_json"], planted["hash_audit_line"]);
  EXPECT_EQ(top_key(tasks), "render-invoice");
}

TEST_F(HotspotsProfile, SamplesInTasksCarryTaskAndTraceLabels) {
  int in_task = 0;
  for (const auto& s : profile_->samples) {
    if (!has_frame(*profile_, s, "checksum_invoice")) continue;
    ++in_task;
    EXPECT_EQ(s.labels.at("task"), "render-invoice");
    EXPECT_EQ(s.labels.at("trace_id").substr(0, 16), "4bf92f3577b34da6");
    EXPECT_EQ(s.labels.at("span_id").size(), 16u);
    EXPECT_EQ(s.labels.at("trace_id").substr(16), s.labels.at("span_id"));  // planted so
  }
  EXPECT_GT(in_task, 0);
}

TEST_F(HotspotsProfile, AsyncStackShowsTheAwaitingCoroutines) {
  int checked = 0;
  for (const auto& s : profile_->samples) {
    if (!has_frame(*profile_, s, "checksum_invoice")) continue;
    ++checked;
    std::vector<std::string> names;
    for (const auto& f : profile_->frames_of(s))
      names.push_back(f.is_task_frame ? "task:" + f.function : f.function);
    const auto at = [&](const char* needle) {
      return std::find_if(names.begin(), names.end(),
                          [&](const std::string& n) { return n.find(needle) != std::string::npos; }) -
             names.begin();
    };
    EXPECT_LT(at("checksum_invoice"), at("render_invoice")) << testing::PrintToString(names);
    EXPECT_LT(at("render_invoice"), at("handle_request")) << testing::PrintToString(names);
    EXPECT_EQ(names.back(), "task:render-invoice") << testing::PrintToString(names);
  }
  EXPECT_GT(checked, 0);
}

// Issue 14: stacks of 99-117 frames, the worker's whole native stack (thread start,
// io_context::run, the probe's poll entry) on top of a task's async frames. Checked on
// every sample, by short name (Asio's frames carry coroscope's types as template
// arguments), against a list of its own rather than the profile builder's.
TEST_F(HotspotsProfile, NoSampleHoldsBothATaskRootAndTheWorkersRunLoop) {
  static constexpr std::string_view worker_frames[] = {
      "boost::asio::io_context::run",
      "boost::asio::detail::scheduler::run",
      "boost::asio::detail::scheduler::do_run_one",
      "boost::asio::detail::scheduler_operation::complete",
      "std::thread::_State_impl<...>::_M_run",
      "start_thread",
      "clone3",
      "coroscope::detail::probe_core::worker_main",
      "boost::asio::detail::awaitable_thread<...>::pump",
  };
  std::size_t task_samples = 0, deepest = 0;
  for (const auto& s : profile_->samples) {
    const std::vector<coroscope::frame> stack = profile_->frames_of(s);
    if (stack.empty() || !stack.back().is_task_frame) continue;
    ++task_samples;
    deepest = std::max(deepest, stack.size());
    std::vector<std::string> names;
    for (const auto& f : stack) names.push_back(coroscope::short_function_name(f.function));
    for (std::size_t i = 0; i + 1 < names.size(); ++i) {
      EXPECT_EQ(std::find(std::begin(worker_frames), std::end(worker_frames), names[i]), std::end(worker_frames))
          << names[i] << " under task:" << names.back() << ": " << testing::PrintToString(names);
      EXPECT_FALSE(names[i].starts_with("coroscope::")) << testing::PrintToString(names);
    }
    // Asio's pump and an initiation at most above the awaiting coroutines.
    EXPECT_LE(stack.size(), 40u) << testing::PrintToString(names);
  }
  EXPECT_GT(task_samples, 100u);
  std::printf("[ info ] %zu task samples, the deepest %zu frames\n", task_samples, deepest);
}

TEST_F(HotspotsProfile, PlantedHotSpotsHaveExactlyTheirLogicalStack) {
  // Leaf first, from the planted function to the task frame: nothing of coroscope's
  // (coroscope::co_spawn's wrapper coroutine) and nothing of the worker's.
  const std::map<std::string, std::vector<std::string>> expected = {
      {"checksum_invoice", {"checksum_invoice", "render_invoice", "handle_request<...>", "render-invoice"}},
      {"tokenize_json", {"tokenize_json", "parse_body", "handle_request<...>", "parse-request"}},
      {"hash_audit_line", {"hash_audit_line", "write_audit", "handle_request<...>", "audit"}},
  };
  int checked = 0;
  for (const auto& s : profile_->samples) {
    const std::vector<coroscope::frame> stack = profile_->frames_of(s);
    std::vector<std::string> names;
    for (const auto& f : stack) names.push_back(coroscope::short_function_name(f.function));
    if (!names.empty() && names.front() == "spin") names.erase(names.begin());
    if (names.empty()) continue;
    const auto it = expected.find(names.front());
    if (it == expected.end()) continue;
    ++checked;
    EXPECT_EQ(names, it->second);
    EXPECT_TRUE(stack.back().is_task_frame);
  }
  EXPECT_GT(checked, 100);
}

TEST_F(HotspotsProfile, GoToolPprofReadsItRawAndByTags) {
  if (run("command -v go").status != 0) GTEST_SKIP() << "`go` not on PATH (Debian golang-go)";
  const auto raw = run(go_env() + "go tool pprof -raw '" + path() + "'");
  ASSERT_EQ(raw.status, 0) << raw.output;
  for (const char* needle : {"checksum_invoice", "render_invoice", "render-invoice", "cpu_hotspots"})
    EXPECT_NE(raw.output.find(needle), std::string::npos) << needle << "\n" << raw.output.substr(0, 4000);
  const auto tags = run(go_env() + "go tool pprof -tags '" + path() + "'");
  ASSERT_EQ(tags.status, 0) << tags.output;
  for (const char* needle : {"task:", "render-invoice", "parse-request", "audit", "trace_id",
                             "span_id", "worker", "task_id"})
    EXPECT_NE(tags.output.find(needle), std::string::npos) << needle << "\n" << tags.output;
}

TEST_F(HotspotsProfile, CoroscopeCliShowsHotFunctionsTasksAndAFlamegraph) {
  const auto top = run(std::string("'") + COROSCOPE_CLI_EXE + "' top '" + path() + "'");
  ASSERT_EQ(top.status, 0) << top.output;
  EXPECT_NE(top.output.find("render-invoice"), std::string::npos) << top.output;
  EXPECT_NE(top.output.find("checksum_invoice"), std::string::npos) << top.output;
  const std::string svg = (*dir_ / "flame.svg").string();
  const auto flame = run(std::string("'") + COROSCOPE_CLI_EXE + "' flamegraph '" + path() +
                         "' -o '" + svg + "'");
  ASSERT_EQ(flame.status, 0) << flame.output;
  const std::string text = read_file(svg);
  EXPECT_NE(text.find("<svg"), std::string::npos);
  EXPECT_NE(text.find("render-invoice"), std::string::npos);
  EXPECT_NE(text.find("checksum_invoice"), std::string::npos);
}

}  // namespace
