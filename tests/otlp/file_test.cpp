// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The file sink (delimited requests) and otlp_dump / read_otlp_file reading it back.
#include <coroscope/otlp.hpp>
#include <coroscope/collapsed.hpp>

#include "fake_env.hpp"
#include "test_profiles.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace {

namespace fs = std::filesystem;
using namespace coroscope::test;

// A fresh path in a per-test temporary directory, removed afterwards.
class OtlpFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("coroscope_otlp_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  static coroscope::otlp_resource resource() {
    coroscope::otlp_resource r;
    r.set("service.name", "checkout");
    r.set("process.pid", std::int64_t{77});
    r.scope_version = "1.2.3";
    return r;
  }

  static std::string read_all(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  fs::path dir_;
};

using coroscope::test::lines;

TEST_F(OtlpFile, SinkAppendsRequestsThatReadBack) {
  const std::string file = path("profiles.otlp");
  {
    coroscope::otlp_file_sink sink(file);
    sink.append(traced_profile(100), resource());
    sink.append(traced_profile(200), resource());
  }
  {
    coroscope::otlp_file_sink again(file);  // appends, never truncates
    again.append(coroscope::encode_otlp_request(traced_profile(300), resource()));
  }
  const auto requests = coroscope::read_otlp_file(file);
  ASSERT_EQ(requests.size(), 3u);
  std::vector<std::uint64_t> starts;
  for (const auto& r : requests) {
    ASSERT_EQ(r.size(), 1u);
    starts.push_back(r[0].profile.start_ns);
    EXPECT_EQ(coroscope::collapsed_stacks(r[0].profile, coroscope::name_style::full_names),
              coroscope::collapsed_stacks(traced_profile(), coroscope::name_style::full_names));
    EXPECT_EQ(r[0].profile.samples.at(0).labels.at("trace_id"), trace_a);
    EXPECT_EQ(std::get<std::string>(*r[0].resource.find("service.name")), "checkout");
  }
  EXPECT_EQ(starts, (std::vector<std::uint64_t>{100, 200, 300}));
}

TEST_F(OtlpFile, RecordsAreVarintLengthThenRequest) {
  const std::string file = path("one.otlp");
  const std::string request = coroscope::encode_otlp_request(traced_profile(), resource());
  ASSERT_GT(request.size(), 127u);  // a two-byte varint length
  coroscope::otlp_file_sink(file).append(request);
  const std::string bytes = read_all(file);
  ASSERT_EQ(bytes.size(), request.size() + 2);
  const std::size_t length = (static_cast<unsigned char>(bytes[0]) & 0x7f) |
                             (static_cast<std::size_t>(static_cast<unsigned char>(bytes[1])) << 7);
  EXPECT_EQ(length, request.size());
  EXPECT_EQ(bytes.substr(2), request);
}

TEST_F(OtlpFile, DumpPrintsResourceSamplesStacksAndLinks) {
  const std::string file = path("dump.otlp");
  coroscope::otlp_file_sink(file).append(traced_profile(), resource());
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(coroscope::otlp_dump(file, out, err), 0);
  EXPECT_EQ(err.str(), "");
  const std::string text = out.str();
  for (const std::string& expected : std::vector<std::string>{"1 request(s)", "service.name=\"checkout\"", "process.pid=77", "scope: coroscope 1.2.3",
        "sample type samples/count", "period 10101010 cpu/nanoseconds", "trace_id=" + std::string(trace_a),
        "span_id=" + std::string(span_a), "task=checkout", "thread.name=worker-1",
        "#0 parse_body (src/parse_body.cpp:20)", "#2 [task] checkout", "#0 libc.so.6+0x9a2b build_id=b1d09"})
    EXPECT_NE(text.find(expected), std::string::npos) << "missing '" << expected << "' in\n" << text;
}

TEST_F(OtlpFile, DumpOfAnEmptyFileListsNoRequests) {
  const std::string file = path("empty.otlp");
  std::ofstream{file};
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(coroscope::otlp_dump(file, out, err), 0);
  EXPECT_NE(out.str().find("0 request(s)"), std::string::npos);
}

TEST_F(OtlpFile, BadFilesGiveExitCodeTwoAndOneLine) {
  const std::string missing = path("missing.otlp");
  const std::string garbage = path("garbage.otlp");
  const std::string truncated = path("truncated.otlp");
  const std::string not_otlp = path("not_otlp.otlp");
  std::ofstream(garbage) << "this is not a profile at all";
  {
    const std::string record = [&] {
      coroscope::otlp_file_sink(truncated).append(traced_profile(), resource());
      return read_all(truncated);
    }();
    std::ofstream(truncated, std::ios::binary | std::ios::trunc) << record.substr(0, record.size() - 10);
  }
  std::ofstream(not_otlp, std::ios::binary) << std::string("\x03\x08\x96\x01", 4);  // a record, wrong message
  for (const std::string& file : {missing, garbage, truncated, not_otlp}) {
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(coroscope::otlp_dump(file, out, err), 2) << file;
    EXPECT_EQ(lines(err.str()), 1u) << err.str();
    EXPECT_NE(err.str().find(file), std::string::npos) << err.str();
    EXPECT_THROW(coroscope::read_otlp_file(file), std::runtime_error);
  }
}

TEST_F(OtlpFile, SinkOnAnUnwritablePathThrowsNamingIt) {
  const std::string bad = path("no/such/dir/x.otlp");
  try {
    coroscope::otlp_file_sink sink(bad);
    FAIL() << "opened " << bad;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
  }
}

TEST(OtlpFileEnvironment, PathFromCoroscopeOtlpFile) {
  auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "COROSCOPE_OTLP_FILE") return std::string("/tmp/p.otlp");
    return std::nullopt;
  };
  EXPECT_EQ(coroscope::otlp_file_sink::path_from_environment(env), "/tmp/p.otlp");
  EXPECT_EQ(coroscope::otlp_file_sink::path_from_environment(
                [](std::string_view) -> std::optional<std::string> { return std::nullopt; }),
            "");
}

}  // namespace
