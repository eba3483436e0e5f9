// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/otlp.hpp>
#include <coroscope/pprof.hpp>
#include <coroscope/profile.hpp>
#include <coroscope/collapsed.hpp>

#include "svg_check.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>

namespace {

namespace fs = std::filesystem;
using coroscope::test::make_profile;
using coroscope::test::shell_quote;
using coroscope::test::read_file;
using coroscope::test::temp_dir;
using coroscope::test::write_file;

struct tool_result {
  std::string out;
  std::string err;
  int exit_code = -1;
};

// Runs the built `coroscope` with `args` (already shell-quoted as needed).
tool_result coroscope_tool(const temp_dir& dir, const std::string& args) {
  const fs::path err = dir.path() / "stderr.txt";
  const auto r = coroscope::test::run(shell_quote(COROSCOPE_TOOL) + " " + args + " 2>" + shell_quote(err.string()));
  return {r.out, read_file(err), r.exit_code};
}

const std::vector<coroscope::test::stack_text> service = {
    {"main;task:accept-loop;handle_request;parse_body", 60, {{"task", "accept-loop"}, {"worker", "0"}}},
    {"main;task:accept-loop;handle_request;write_reply", 15, {{"task", "accept-loop"}, {"worker", "1"}}},
    {"main;task:flush;flush_logs;libz.so+0x1a2b", 15, {{"task", "flush"}}},
    {"main;idle", 10},
};

class cli : public ::testing::Test {
 protected:
  void SetUp() override {
    profile_ = (dir_.path() / "cpu.pb.gz").string();
    coroscope::write_pprof(make_profile(service), profile_);
  }
  temp_dir dir_;
  std::string profile_;
};

TEST_F(cli, top_lists_the_hot_function_and_task_first) {
  const auto r = coroscope_tool(dir_, "top " + shell_quote(profile_));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // The profile has CPU values: they are the default weight (60 samples × 10 ms).
  const auto first_row = r.out.find("   600.00 ms  60.00%  60.00%    600.00 ms  60.00%  parse_body\n");
  EXPECT_NE(first_row, std::string::npos) << r.out;
  EXPECT_LT(first_row, r.out.find("write_reply"));
  const auto tasks = r.out.find("Hot tasks");
  ASSERT_NE(tasks, std::string::npos);
  EXPECT_NE(r.out.find("   750.00 ms  75.00%  accept-loop\n", tasks), std::string::npos) << r.out;
}

TEST_F(cli, top_options_threshold_limit_tasks_only_and_sample_index) {
  auto r = coroscope_tool(dir_, "top --percent 12 --sample-index samples " + shell_quote(profile_));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("          60  60.00%  60.00%           60  60.00%  parse_body\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("idle"), std::string::npos) << "10% is under --percent 12:\n" << r.out;
  r = coroscope_tool(dir_, "top --limit 1 " + shell_quote(profile_));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("write_reply"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("  flush\n"), std::string::npos) << r.out;
  r = coroscope_tool(dir_, "top --tasks-only " + shell_quote(profile_));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("parse_body"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("accept-loop"), std::string::npos) << r.out;
}

TEST_F(cli, flamegraph_writes_a_well_formed_svg) {
  const fs::path svg_path = dir_.path() / "flame.svg";
  const auto r = coroscope_tool(dir_, "flamegraph " + shell_quote(profile_) + " -o " + shell_quote(svg_path.string()) +
                                          " --title 'My <service>' --width 800 --weight count");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  const auto svg = coroscope::test::parse_svg_file(svg_path);
  ASSERT_TRUE(svg);
  EXPECT_EQ(svg->title, "My <service>");
  ASSERT_TRUE(svg->find("parse_body"));
  EXPECT_NE(svg->find("parse_body")->details.find("60 samples"), std::string::npos);
  EXPECT_NEAR(svg->find("all")->width, 780.0, 0.01);
  EXPECT_EQ(svg->find("task:flush")->css_class, "t");
}

TEST_F(cli, flamegraph_to_stdout_by_default) {
  const auto r = coroscope_tool(dir_, "flamegraph " + shell_quote(profile_));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("<?xml")) << r.out.substr(0, 100);
  EXPECT_NE(r.out.find("CPU flamegraph: "), std::string::npos);
}

TEST_F(cli, diff_writes_a_red_and_blue_svg) {
  const std::string after = (dir_.path() / "after.pb.gz").string();
  coroscope::write_pprof(make_profile({{"main;task:accept-loop;handle_request;parse_body", 10},
                                       {"main;task:accept-loop;handle_request;write_reply", 80},
                                       {"main;idle", 10}}),
                         after);
  const fs::path svg_path = dir_.path() / "diff.svg";
  const auto r = coroscope_tool(dir_, "diff " + shell_quote(profile_) + " " + shell_quote(after) + " -o " +
                                          shell_quote(svg_path.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto svg = coroscope::test::parse_svg_file(svg_path);
  ASSERT_TRUE(svg);
  const auto* grew = svg->find("write_reply");
  const auto* shrank = svg->find("parse_body");
  const auto* same = svg->find("idle");
  ASSERT_TRUE(grew && shrank && same);
  EXPECT_EQ(grew->red(), 255);
  EXPECT_LT(grew->blue(), 200);
  EXPECT_EQ(shrank->blue(), 255);
  EXPECT_LT(shrank->red(), 200);
  EXPECT_EQ(same->fill, "rgb(242,242,242)");
  EXPECT_NE(svg->note.find("flush"), std::string::npos) << "task:flush is gone: " << svg->note;
}

TEST_F(cli, collapse_to_stdout_and_file) {
  auto r = coroscope_tool(dir_, "collapse --sample-index samples " + shell_quote(profile_));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, coroscope::collapsed_stacks(make_profile(service)));
  EXPECT_NE(r.out.find("main;task:accept-loop;handle_request;parse_body 60\n"), std::string::npos) << r.out;
  // Default weight: CPU nanoseconds.
  const fs::path out = dir_.path() / "stacks.txt";
  r = coroscope_tool(dir_, "collapse " + shell_quote(profile_) + " -o " + shell_quote(out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(read_file(out).find("main;task:accept-loop;handle_request;parse_body 600000000\n"), std::string::npos)
      << read_file(out);
}

// Each bad input: exit code 2 and exactly one line `coroscope: <file>: <reason>`.
void expect_file_error(const temp_dir& dir, const std::string& command, const std::string& file,
                       const std::string& reason) {
  SCOPED_TRACE(command);
  const auto r = coroscope_tool(dir, command);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(r.err.starts_with("coroscope: " + file + ": ")) << r.err;
  EXPECT_NE(r.err.find(reason), std::string::npos) << r.err;
}

// Issue 14: functions are named short (`handle_request<...>`) by every subcommand that
// prints or draws names; --full-names gives the full signatures.
TEST_F(cli, full_names_switch_in_every_subcommand_that_names_functions) {
  const std::string full =
      "boost::asio::awaitable<void, boost::asio::any_io_executor> (anonymous namespace)::handle_request<"
      "boost::asio::awaitable<void, boost::asio::any_io_executor> (*)(unsigned long)>(unsigned long, "
      "boost::asio::awaitable<void, boost::asio::any_io_executor> (*)(unsigned long))";
  const std::string short_name = "handle_request<...>";
  auto profile = make_profile({{"main;task:audit;" + full + ";(anonymous namespace)::spin(int)", 5}});
  // Files not named after the function.
  for (const auto index : profile.samples[0].stack) profile.frames[index].file = "src/service.cpp";
  const std::string path = (dir_.path() / "names.pb.gz").string();
  coroscope::write_pprof(profile, path);
  const std::string otlp_path = (dir_.path() / "names.otlp").string();
  coroscope::otlp_file_sink(otlp_path).append(profile, coroscope::otlp_resource{});

  struct command {
    std::string args;
    std::string svg;  // the output file when the command draws
  };
  const fs::path svg = dir_.path() / "out.svg";
  const std::vector<command> commands = {
      {"top " + shell_quote(path), ""},
      {"collapse " + shell_quote(path), ""},
      {"otlp-dump " + shell_quote(otlp_path), ""},
      {"flamegraph " + shell_quote(path) + " -o " + shell_quote(svg.string()), svg.string()},
      {"diff " + shell_quote(path) + " " + shell_quote(path) + " -o " + shell_quote(svg.string()), svg.string()},
  };
  for (const command& c : commands) {
    for (bool full_names : {false, true}) {
      SCOPED_TRACE(c.args + (full_names ? " --full-names" : ""));
      const auto r = coroscope_tool(dir_, c.args + (full_names ? " --full-names" : ""));
      ASSERT_EQ(r.exit_code, 0) << r.err;
      if (!c.svg.empty()) {
        const auto drawn = coroscope::test::parse_svg_file(c.svg);
        ASSERT_TRUE(drawn);
        EXPECT_EQ(drawn->find(full) != nullptr, full_names);
        EXPECT_EQ(drawn->find(short_name) != nullptr, !full_names);
        EXPECT_EQ(drawn->find("spin") != nullptr, !full_names);
        continue;
      }
      // A printed full name contains the short one only as `handle_request<`, never `<...>`.
      EXPECT_EQ(r.out.find(full) != std::string::npos, full_names) << r.out;
      EXPECT_EQ(r.out.find(short_name) != std::string::npos, !full_names) << r.out;
      EXPECT_EQ(r.out.find("(anonymous namespace)::spin(int)") != std::string::npos, full_names) << r.out;
    }
  }
}

TEST_F(cli, bad_files_exit_2_with_one_line) {
  const fs::path d = dir_.path();
  const std::string missing = (d / "missing.pb.gz").string();
  write_file(d / "empty.pb.gz", "");
  // Fixed bytes that are neither gzip nor a protobuf message.
  write_file(d / "random.bin", std::string("\x8f\x03\xff\xfe\x91\x42\x17\x00\xee\x7a\x99\xc4\x01\xff\xff\xff\x0f", 17));
  const std::string good = read_file(profile_);
  write_file(d / "truncated.pb.gz", good.substr(0, good.size() / 2));
  write_file(d / "garbage.gz", "");
  const auto gz = coroscope::test::run("printf 'certainly not a profile' | gzip -c > " + shell_quote((d / "garbage.gz").string()));
  ASSERT_EQ(gz.exit_code, 0);

  for (const char* command : {"top", "flamegraph", "collapse"})
    expect_file_error(dir_, std::string(command) + " " + shell_quote(missing), missing, "No such file or directory");
  expect_file_error(dir_, "top " + shell_quote((d / "empty.pb.gz").string()), (d / "empty.pb.gz").string(),
                    "not a pprof profile: empty input");
  expect_file_error(dir_, "top " + shell_quote((d / "random.bin").string()), (d / "random.bin").string(),
                    "not a pprof profile");
  expect_file_error(dir_, "flamegraph " + shell_quote((d / "truncated.pb.gz").string()),
                    (d / "truncated.pb.gz").string(), "not a pprof profile: truncated gzip data");
  expect_file_error(dir_, "collapse " + shell_quote((d / "garbage.gz").string()), (d / "garbage.gz").string(),
                    "not a pprof profile");
  expect_file_error(dir_, "top " + shell_quote(d.string()), d.string(), "Is a directory");
  // diff names whichever of its two files is bad.
  expect_file_error(dir_, "diff " + shell_quote(profile_) + " " + shell_quote(missing), missing, "No such file");
  // An output that cannot be written is a file error too.
  const std::string no_dir = (d / "no-such-dir" / "out.svg").string();
  expect_file_error(dir_, "flamegraph " + shell_quote(profile_) + " -o " + shell_quote(no_dir), no_dir,
                    "No such file or directory");
}

TEST_F(cli, bad_usage_gets_cli11_message_and_exit_code) {
  for (const std::string args : {"", "top", "frobnicate", "top --percent abc x", "top --sample-index bogus x",
                                 "flamegraph --width 10 x", "diff only-one"}) {
    SCOPED_TRACE(args);
    const auto r = coroscope_tool(dir_, args);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.exit_code, 2) << "usage errors are CLI11's, not file errors";
    EXPECT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find("coroscope: x:"), std::string::npos) << r.err;
  }
  const auto help = coroscope_tool(dir_, "--help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"top", "flamegraph", "diff", "collapse"})
    EXPECT_NE(help.out.find(command), std::string::npos) << command << " missing from help:\n" << help.out;
}

// A real Go CPU profile from `go test -cpuprofile` of data/gohot: made once per run,
// offline, with the Go caches in the build tree.
class go_profile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (coroscope::test::run("command -v go >/dev/null 2>&1").exit_code != 0) return;
    // ctest runs each test in a process of its own, maybe several at once: each process
    // makes its profile in a directory of its own. Go's caches are safe to share.
    const fs::path work = COROSCOPE_GO_WORK_DIR;
    run_dir_ = new fs::path(work / ("run-" + std::to_string(::getpid())));
    std::error_code ignored;
    fs::remove_all(*run_dir_, ignored);
    fs::create_directories(*run_dir_);
    fs::copy(COROSCOPE_GO_PACKAGE, *run_dir_ / "gohot", fs::copy_options::recursive);
    const std::string env = "cd " + shell_quote((*run_dir_ / "gohot").string()) + " && HOME=" + shell_quote(work.string()) +
                            " GOCACHE=" + shell_quote((work / "cache").string()) + " GOPATH=" +
                            shell_quote((work / "gopath").string()) + " GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local ";
    const fs::path profile = *run_dir_ / "cpu.pprof";
    const auto r = coroscope::test::run(env + "go test -count=1 -cpuprofile " + shell_quote(profile.string()) + " -o " +
                                        shell_quote((*run_dir_ / "gohot.test").string()) + " . 2>&1");
    go_output_ = new std::string(r.out);
    if (r.exit_code == 0 && fs::exists(profile)) profile_ = new std::string(profile.string());
  }
  static void TearDownTestSuite() {
    if (run_dir_) {
      std::error_code ignored;
      fs::remove_all(*run_dir_, ignored);
    }
    delete go_output_;
    delete profile_;
    delete run_dir_;
    go_output_ = profile_ = nullptr;
    run_dir_ = nullptr;
  }
  void SetUp() override {
    if (coroscope::test::run("command -v go >/dev/null 2>&1").exit_code != 0)
      GTEST_SKIP() << "`go` is not on PATH (Debian package golang-go)";
    ASSERT_NE(profile_, nullptr) << "go test -cpuprofile failed:\n" << (go_output_ ? *go_output_ : "");
  }
  static inline std::string* go_output_ = nullptr;
  static inline std::string* profile_ = nullptr;
  static inline fs::path* run_dir_ = nullptr;
  temp_dir dir_;
};

TEST_F(go_profile, top_reads_a_gzipped_go_cpu_profile) {
  ASSERT_TRUE(read_file(*profile_).starts_with("\x1f\x8b")) << "Go writes gzipped profiles";
  const auto r = coroscope_tool(dir_, "top " + shell_quote(*profile_));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // burnHotLoop does all the work: it is on (nearly) every stack. Its flat share may go
  // to runtime.asyncPreempt when the scheduler preempts it, so check cum%.
  const auto name = r.out.find("  coroscope.test/gohot.burnHotLoop\n");
  ASSERT_NE(name, std::string::npos) << r.out;
  const std::string row = r.out.substr(r.out.rfind('\n', name) + 1, name - r.out.rfind('\n', name) - 1);
  std::stringstream cells(row);
  std::string flat, flat_unit, flat_percent, sum_percent, cum, cum_unit, cum_percent;
  cells >> flat >> flat_unit >> flat_percent >> sum_percent >> cum >> cum_unit >> cum_percent;
  EXPECT_EQ(cum_unit, "ms") << "cpu/nanoseconds is the default weight: " << row;
  EXPECT_GE(std::stod(cum_percent), 90.0) << row;
  EXPECT_NE(r.out.find("(no task)"), std::string::npos) << r.out;
}

TEST_F(go_profile, uncompressed_profile_and_sample_index) {
  const std::string raw = (dir_.path() / "cpu.raw.pprof").string();
  ASSERT_EQ(coroscope::test::run("gzip -dc " + shell_quote(*profile_) + " > " + shell_quote(raw)).exit_code, 0);
  ASSERT_FALSE(read_file(raw).starts_with("\x1f\x8b"));
  const auto by_cpu = coroscope_tool(dir_, "collapse " + shell_quote(raw));
  const auto by_samples = coroscope_tool(dir_, "collapse --sample-index samples " + shell_quote(*profile_));
  ASSERT_EQ(by_cpu.exit_code, 0) << by_cpu.err;
  ASSERT_EQ(by_samples.exit_code, 0) << by_samples.err;
  EXPECT_NE(by_cpu.out.find("testing.tRunner;coroscope.test/gohot.TestBurn;coroscope.test/gohot.burnHotLoop "),
            std::string::npos)
      << by_cpu.out;
  // Go samples at 100 Hz: each sample is 10 ms of CPU.
  long long cpu_total = 0, sample_total = 0;
  auto sum = [](const std::string& text) {
    long long total = 0;
    std::stringstream lines(text);
    for (std::string line; std::getline(lines, line);) total += std::stoll(line.substr(line.rfind(' ') + 1));
    return total;
  };
  cpu_total = sum(by_cpu.out);
  sample_total = sum(by_samples.out);
  ASSERT_GT(sample_total, 0);
  EXPECT_EQ(cpu_total, sample_total * 10'000'000LL);
}

TEST_F(go_profile, flamegraph_of_go_profile) {
  const fs::path svg_path = dir_.path() / "go.svg";
  const auto r = coroscope_tool(dir_, "flamegraph " + shell_quote(*profile_) + " -o " + shell_quote(svg_path.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto svg = coroscope::test::parse_svg_file(svg_path);
  ASSERT_TRUE(svg);
  const auto* hot = svg->find("coroscope.test/gohot.burnHotLoop");
  ASSERT_TRUE(hot);
  EXPECT_GT(hot->width / svg->find("all")->width, 0.5);
  EXPECT_NE(hot->details.find("hot_test.go"), std::string::npos) << hot->details;
}

}  // namespace
