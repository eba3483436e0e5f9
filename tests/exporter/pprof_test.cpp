// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "../support/hostile_pprof.hpp"
#include "../support/temp_dir.hpp"
#include "../support/zlib_gunzip.hpp"

#include <coroscope/function_names.hpp>
#include <coroscope/pprof.hpp>
#include <coroscope/profile.hpp>
#include <coroscope/collapsed.hpp>
#include <coroscope/flamegraph.hpp>
#include <coroscope/report.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using coroscope::cpu_profile;
using coroscope::frame;
using coroscope::sample;
using coroscope::test::temp_dir;
using coroscope::test::zlib_gunzip;
constexpr auto full_names = coroscope::name_style::full_names;

// One test stack written as text, root first: {"main;handle_request;parse_body", 5}.
// A frame named `task:...` is a task frame; `lib.so+0x1a2b` an unsymbolized frame.
struct stack_text {
  std::string stack;
  std::int64_t count = 1;
  std::map<std::string, std::string> labels{};
};

frame make_frame(const std::string& name) {
  frame f;
  if (name.starts_with("task:")) {
    f.function = name;
    f.is_task_frame = true;
  } else if (auto plus = name.find("+0x"); plus != std::string::npos) {
    f.module = name.substr(0, plus);
    f.address = std::stoull(name.substr(plus + 3), nullptr, 16);
    f.build_id = "b1d" + f.module;
  } else {
    f.function = name;
    f.file = "src/" + name + ".cpp";
    f.line = static_cast<std::uint32_t>(10 + name.size());
  }
  return f;
}

cpu_profile make_profile(const std::vector<stack_text>& stacks) {
  cpu_profile p;
  p.period_ns = 10'101'010;  // 99 Hz
  p.start_ns = 1'700'000'000'000'000'000ULL;
  p.duration_ns = 2'000'000'000ULL;
  for (const stack_text& text : stacks) {
    std::vector<frame> stack;
    std::stringstream in(text.stack);
    for (std::string name; std::getline(in, name, ';');) stack.push_back(make_frame(name));
    std::reverse(stack.begin(), stack.end());  // the model is leaf first
    sample s;
    s.stack = p.add_frames(stack);
    s.count = text.count;
    s.cpu_ns = text.count * p.period_ns;
    s.labels = text.labels;
    p.samples.push_back(std::move(s));
  }
  return p;
}

// Just enough of the protobuf wire format to list a message's length-delimited fields
// (field number, bytes) and its varint fields (field number, value).
struct wire_fields {
  std::vector<std::pair<std::uint64_t, std::string_view>> bytes;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> varints;
};

wire_fields fields_of(std::string_view raw) {
  wire_fields fields;
  std::size_t pos = 0;
  auto varint = [&] {
    std::uint64_t value = 0;
    for (int shift = 0; pos < raw.size(); shift += 7) {
      auto byte = static_cast<unsigned char>(raw[pos++]);
      value |= std::uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80u) == 0) return value;
    }
    throw std::runtime_error("truncated varint");
  };
  while (pos < raw.size()) {
    std::uint64_t tag = varint();
    switch (tag & 7) {
      case 0: fields.varints.emplace_back(tag >> 3, varint()); break;
      case 1: pos += 8; break;
      case 5: pos += 4; break;
      case 2: {
        auto length = static_cast<std::size_t>(varint());
        fields.bytes.emplace_back(tag >> 3, raw.substr(pos, length));
        pos += length;
        break;
      }
      default: throw std::runtime_error("unexpected wire type");
    }
  }
  return fields;
}

// The profile's string_table (field 6).
std::vector<std::string> string_table_of(std::string_view raw) {
  std::vector<std::string> strings;
  for (const auto& [field, bytes] : fields_of(raw).bytes)
    if (field == 6) strings.emplace_back(bytes);
  return strings;
}

// Each Function (field 5) as {name, system_name} (its fields 2 and 3, string indices).
std::vector<std::pair<std::string, std::string>> functions_of(std::string_view raw) {
  const auto strings = string_table_of(raw);
  std::vector<std::pair<std::string, std::string>> functions;
  for (const auto& [field, bytes] : fields_of(raw).bytes) {
    if (field != 5) continue;
    auto& fn = functions.emplace_back();
    for (const auto& [number, value] : fields_of(bytes).varints) {
      if (number == 2) fn.first = strings.at(value);
      if (number == 3) fn.second = strings.at(value);
    }
  }
  return functions;
}

std::string expect_decode_error(std::string_view bytes) {
  try {
    coroscope::decode_pprof(bytes);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "decode_pprof accepted bad input";
  return {};
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::vector<stack_text> service_stacks = {
    {"main;task:accept-loop;handle_request;parse_body", 5,
     {{"task", "accept-loop"}, {"task_id", "7"}, {"worker", "0"},
      {"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"}, {"span_id", "00f067aa0ba902b7"}}},
    {"main;task:accept-loop;handle_request;write_reply", 3,
     {{"task", "accept-loop"}, {"task_id", "7"}, {"worker", "1"}}},
    {"main;task:flush;flush_logs;libz.so+0x1a2b", 2, {{"task", "flush"}, {"task_id", "9"}}},
    {"main;idle", 1, {{"note", ""}}},
};

TEST(pprof_encode, round_trip_keeps_stacks_counts_cpu_labels_and_period) {
  const cpu_profile original = make_profile(service_stacks);
  const cpu_profile decoded = coroscope::decode_pprof(coroscope::encode_pprof(original));

  EXPECT_EQ(decoded.period_ns, original.period_ns);
  EXPECT_EQ(decoded.start_ns, original.start_ns);
  EXPECT_EQ(decoded.duration_ns, original.duration_ns);
  ASSERT_EQ(decoded.samples.size(), original.samples.size());
  for (std::size_t i = 0; i < original.samples.size(); ++i) {
    SCOPED_TRACE("sample " + std::to_string(i));
    const sample& want = original.samples[i];
    const sample& got = decoded.samples[i];
    EXPECT_EQ(got.count, want.count);
    EXPECT_EQ(got.cpu_ns, want.cpu_ns);
    EXPECT_EQ(got.labels, want.labels);
    const std::vector<frame> want_stack = original.frames_of(want);
    const std::vector<frame> got_stack = decoded.frames_of(got);
    ASSERT_EQ(got_stack.size(), want_stack.size());
    for (std::size_t j = 0; j < want_stack.size(); ++j) {
      SCOPED_TRACE("frame " + std::to_string(j));
      EXPECT_EQ(got_stack[j].function, want_stack[j].function);
      EXPECT_EQ(got_stack[j].file, want_stack[j].file);
      EXPECT_EQ(got_stack[j].line, want_stack[j].line);
      EXPECT_EQ(got_stack[j].address, want_stack[j].address);
      EXPECT_EQ(got_stack[j].module, want_stack[j].module);
      EXPECT_EQ(got_stack[j].build_id, want_stack[j].build_id);
      EXPECT_EQ(got_stack[j].is_task_frame, want_stack[j].is_task_frame);
    }
  }
  EXPECT_EQ(coroscope::collapsed_stacks(decoded, full_names), coroscope::collapsed_stacks(original, full_names));
}

TEST(pprof_encode, merges_equal_stacks_with_equal_labels_only) {
  const cpu_profile decoded = coroscope::decode_pprof(coroscope::encode_pprof(make_profile({
      {"main;handle_request", 2, {{"task", "a"}}},
      {"main;handle_request", 3, {{"task", "a"}}},
      {"main;handle_request", 4, {{"task", "b"}}},
  })));
  ASSERT_EQ(decoded.samples.size(), 2u);
  EXPECT_EQ(decoded.samples[0].count, 5);
  EXPECT_EQ(decoded.samples[0].cpu_ns, 5 * 10'101'010);
  EXPECT_EQ(decoded.samples[0].labels.at("task"), "a");
  EXPECT_EQ(decoded.samples[1].count, 4);
  EXPECT_EQ(decoded.samples[1].labels.at("task"), "b");
}

// Samples are written grouped by their outermost callers, root first (deflate then finds
// each one's callers in the one before it), rather than in input order.
TEST(pprof_encode, writes_samples_with_the_same_callers_side_by_side) {
  const cpu_profile decoded = coroscope::decode_pprof(coroscope::encode_pprof(make_profile({
      {"main;serve;parse", 1},
      {"worker_main;flush;write", 2},
      {"main;serve;reply", 3},
      {"worker_main;flush;sync", 4},
      {"main;serve;parse;split", 5},
  })));
  std::vector<std::string> order;
  for (const sample& s : decoded.samples) order.push_back(decoded.frames.at(s.stack.front()).function);
  EXPECT_EQ(order, (std::vector<std::string>{"parse", "split", "reply", "write", "sync"}));
}

// A hand-made profile whose stack names a frame past the table: every encoder and report
// refuses it with the same message, naming the sample, and writes nothing.
TEST(profile_frame_table, a_stack_naming_a_frame_past_the_table_is_refused) {
  cpu_profile p = make_profile({{"main;serve", 1}, {"main;serve;parse", 1}});
  p.samples[1].stack.push_back(static_cast<std::uint32_t>(p.frames.size()));
  const std::string expected = "cpu_profile: sample 1's stack names frame 5 of 5";
  const auto refusal = [](const auto& call) -> std::string {
    try {
      call();
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_EQ(refusal([&] { coroscope::encode_pprof(p); }), expected);
  EXPECT_EQ(refusal([&] { coroscope::collapsed_stacks(p, full_names); }), expected);
  EXPECT_EQ(refusal([&] { coroscope::render_flamegraph_svg(p); }), expected);
  EXPECT_EQ(refusal([&] { coroscope::render_diff_flamegraph_svg(make_profile({{"main", 1}}), p); }), expected);
  EXPECT_EQ(refusal([&] { coroscope::top_report(p); }), expected);
  EXPECT_THROW(p.frames_of(p.samples[1]), std::out_of_range);

  p.samples[1].stack.pop_back();  // the same profile in range is accepted
  EXPECT_EQ(refusal([&] { coroscope::encode_pprof(p); }), "accepted");
  EXPECT_EQ(p.frames_of(p.samples[1]).size(), 3u);
}

TEST(pprof_encode, output_is_gzip) {
  const std::string bytes = coroscope::encode_pprof(make_profile(service_stacks));
  ASSERT_GE(bytes.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(bytes[1]), 0x8b);
  EXPECT_EQ(bytes[2], 8) << "deflate";
}

TEST(pprof_encode, string_table_starts_with_empty_and_is_deduplicated) {
  // Many samples repeating the same few names must not repeat strings.
  std::vector<stack_text> stacks;
  for (int i = 0; i < 50; ++i)
    stacks.push_back({"main;handle_request;parse_body", 1, {{"task", "accept-loop"}, {"worker", "0"}}});
  const auto strings = string_table_of(zlib_gunzip(coroscope::encode_pprof(make_profile(stacks))));

  ASSERT_FALSE(strings.empty());
  EXPECT_EQ(strings[0], "");
  const std::set<std::string> unique(strings.begin(), strings.end());
  EXPECT_EQ(unique.size(), strings.size()) << "a string appears twice in the table";
  for (const char* expected : {"samples", "count", "cpu", "nanoseconds", "main", "handle_request",
                               "parse_body", "src/parse_body.cpp", "task", "accept-loop", "worker", "0"})
    EXPECT_EQ(unique.count(expected), 1u) << expected;
  // "" + samples count cpu nanoseconds + 3 names + 3 files + task accept-loop worker 0.
  EXPECT_EQ(strings.size(), 15u);
}

// Issue 14: pprof shows Function.name, so it is the short form; the full signature is
// the system name, and decoding gives it back.
TEST(pprof_encode, function_name_is_short_and_system_name_full) {
  const std::string full =
      "boost::asio::awaitable<void, boost::asio::any_io_executor> (anonymous namespace)::handle_request<"
      "boost::asio::awaitable<void, boost::asio::any_io_executor> (*)(unsigned long)>(unsigned long, "
      "boost::asio::awaitable<void, boost::asio::any_io_executor> (*)(unsigned long))";
  const cpu_profile original = make_profile({{"main;task:audit;" + full + ";memcpy", 2}});
  const std::string bytes = coroscope::encode_pprof(original);
  std::map<std::string, std::string> system_names;  // by name
  for (const auto& [name, system_name] : functions_of(zlib_gunzip(bytes))) system_names[name] = system_name;
  ASSERT_EQ(system_names.count("handle_request<...>"), 1u);
  EXPECT_EQ(system_names["handle_request<...>"], full);
  EXPECT_EQ(system_names["memcpy"], "memcpy");
  EXPECT_EQ(system_names["task:audit"], "coroscope.task:task:audit");
  EXPECT_EQ(system_names.count(full), 0u) << "no Function is named by the full signature";

  const cpu_profile decoded = coroscope::decode_pprof(bytes);
  ASSERT_EQ(decoded.samples.size(), 1u);
  EXPECT_EQ(decoded.frames_of(decoded.samples[0]).at(1).function, full);
  EXPECT_EQ(coroscope::collapsed_stacks(decoded), "main;task:audit;handle_request<...>;memcpy 2\n");
}

TEST(pprof_encode, empty_profile_round_trips) {
  cpu_profile empty;
  empty.period_ns = 1'000'000;
  const cpu_profile decoded = coroscope::decode_pprof(coroscope::encode_pprof(empty));
  EXPECT_TRUE(decoded.samples.empty());
  EXPECT_EQ(decoded.period_ns, 1'000'000);
}

TEST(pprof_decode, reads_raw_uncompressed_profiles) {
  const cpu_profile original = make_profile(service_stacks);
  const std::string raw = zlib_gunzip(coroscope::encode_pprof(original));
  const cpu_profile decoded = coroscope::decode_pprof(raw);
  EXPECT_EQ(coroscope::collapsed_stacks(decoded, full_names), coroscope::collapsed_stacks(original, full_names));
}

TEST(pprof_decode, rejects_empty_input) {
  EXPECT_EQ(expect_decode_error(""), "not a pprof profile: empty input");
}

TEST(pprof_decode, rejects_garbage) {
  const std::string message = expect_decode_error("this is certainly not a profile\n");
  EXPECT_TRUE(message.starts_with("not a pprof profile: ")) << message;
  const std::string binary("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11);
  EXPECT_TRUE(expect_decode_error(binary).starts_with("not a pprof profile: "));
}

TEST(pprof_decode, rejects_truncated_gzip) {
  const std::string bytes = coroscope::encode_pprof(make_profile(service_stacks));
  EXPECT_EQ(expect_decode_error(bytes.substr(0, bytes.size() / 2)),
            "not a pprof profile: truncated gzip data");
  EXPECT_EQ(expect_decode_error(bytes.substr(0, 2)), "not a pprof profile: truncated gzip data");
}

TEST(pprof_decode, rejects_corrupt_gzip) {
  std::string bytes = coroscope::encode_pprof(make_profile(service_stacks));
  bytes[bytes.size() - 6] ^= 0x55;  // inside the CRC-32 trailer
  const std::string message = expect_decode_error(bytes);
  EXPECT_TRUE(message.starts_with("not a pprof profile: corrupt gzip data")) << message;
}

TEST(pprof_decode, refuses_input_that_would_take_memory_out_of_proportion) {
  namespace hostile = coroscope::test::hostile;
  // 8 MiB from about 8 KB: past the 1 MiB every file may inflate to.
  EXPECT_TRUE(expect_decode_error(hostile::gzip_bomb(8u << 20))
                  .starts_with("pprof profile refused: gzip data inflates past 1048576 bytes"));
  // 33 KB that decodes to about 270 MB.
  const std::string message = expect_decode_error(hostile::repeated_long_frame(16 * 1024, 16 * 1024));
  EXPECT_TRUE(message.starts_with("pprof profile refused: decoding it would take past")) << message;
}

TEST(pprof_decode, reads_concatenated_gzip_members) {
  namespace hostile = coroscope::test::hostile;
  const std::string raw = zlib_gunzip(coroscope::encode_pprof(make_profile(service_stacks)));
  // Split anywhere: the members' outputs are one stream.
  const std::string two = hostile::gzip_repeated(raw.substr(0, raw.size() / 2), 1) +
                          hostile::gzip_repeated(raw.substr(raw.size() / 2), 1);
  EXPECT_EQ(coroscope::collapsed_stacks(coroscope::decode_pprof(two)),
            coroscope::collapsed_stacks(make_profile(service_stacks)));
}

TEST(pprof_write, writes_atomically_and_reads_back) {
  temp_dir dir;
  const auto path = dir.path() / "cpu.pb.gz";
  const cpu_profile original = make_profile(service_stacks);
  coroscope::write_pprof(original, path.string());

  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  const std::string bytes = read_file(path);
  EXPECT_EQ(bytes, coroscope::encode_pprof(original));
  EXPECT_EQ(coroscope::collapsed_stacks(coroscope::decode_pprof(bytes), full_names),
            coroscope::collapsed_stacks(original, full_names));
}

TEST(pprof_write, unwritable_path_throws_with_path_and_reason) {
  temp_dir dir;
  const std::string path = (dir.path() / "no-such-dir" / "cpu.pb.gz").string();
  try {
    coroscope::write_pprof(make_profile(service_stacks), path);
    FAIL() << "write_pprof succeeded";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(pprof_collapsed, exact_output_for_small_input) {
  const cpu_profile profile = make_profile({
      {"main;handle_request;parse_body", 5},
      {"main;handle_request;write_reply", 2},
      {"main;handle_request;parse_body", 1},
      {"main;task:flush;libz.so+0x1a2b", 4},
      {"main", 3},
  });
  EXPECT_EQ(coroscope::collapsed_stacks(profile),
            "main 3\n"
            "main;handle_request;parse_body 6\n"
            "main;handle_request;write_reply 2\n"
            "main;task:flush;libz.so+0x1a2b 4\n");
}

TEST(pprof_collapsed, empty_profile_is_empty) {
  EXPECT_EQ(coroscope::collapsed_stacks(cpu_profile{}), "");
}

// `go tool pprof` (Debian golang-go) must accept what we write.
std::string run(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  int status = ::pclose(pipe);
  if (status != 0) output += "\n[exit status " + std::to_string(status) + "]";
  return output;
}

TEST(pprof_go_tool, raw_and_tags_accept_our_profile) {
  if (std::system("command -v go >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "`go` is not on PATH (Debian package golang-go); skipping go tool pprof check";
  temp_dir dir;
  const std::string path = (dir.path() / "cpu.pb.gz").string();
  coroscope::write_pprof(make_profile(service_stacks), path);

  const std::string env = "cd '" + dir.path().string() + "' && HOME='" + dir.path().string() +
                          "' GOCACHE='" + (dir.path() / "gocache").string() +
                          "' GOFLAGS=-mod=mod GOPROXY=off ";
  const std::string raw = run(env + "go tool pprof -raw '" + path + "' 2>&1");
  EXPECT_EQ(raw.find("[exit status"), std::string::npos) << raw;
  for (const char* name : {"main", "handle_request", "parse_body", "write_reply", "flush_logs",
                           "task:accept-loop", "libz.so", "b1dlibz.so"})
    EXPECT_NE(raw.find(name), std::string::npos) << name << " missing from:\n" << raw;

  const std::string tags = run(env + "go tool pprof -tags '" + path + "' 2>&1");
  EXPECT_EQ(tags.find("[exit status"), std::string::npos) << tags;
  for (const char* value : {"task", "accept-loop", "flush", "task_id", "worker", "trace_id",
                            "4bf92f3577b34da6a3ce929d0e0e4736", "span_id", "00f067aa0ba902b7"})
    EXPECT_NE(tags.find(value), std::string::npos) << value << " missing from:\n" << tags;
}

}  // namespace
