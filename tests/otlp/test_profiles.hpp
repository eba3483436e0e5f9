// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/profile.hpp>

#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace coroscope::test {

inline constexpr char trace_a[] = "4bf92f3577b34da6a3ce929d0e0e4736";
inline constexpr char span_a[] = "00f067aa0ba902b7";
inline constexpr char trace_b[] = "0af7651916cd43dd8448eb211c80319c";
inline constexpr char span_b[] = "b7ad6b7169203331";

/// A frame from a short text: `task:NAME` is a task frame, `lib.so+0x1a2b` an
/// unsymbolized frame (with a build id), anything else a symbolized function.
inline frame make_frame(const std::string& name) {
  frame f;
  if (name.starts_with("task:")) {
    f.function = name.substr(5);
    f.is_task_frame = true;
  } else if (auto plus = name.find("+0x"); plus != std::string::npos) {
    f.module = name.substr(0, plus);
    f.address = std::stoull(name.substr(plus + 3), nullptr, 16);
    f.build_id = "b1d0" + std::to_string(f.module.size());
  } else {
    f.function = name;
    f.file = "src/" + name + ".cpp";
    f.line = static_cast<std::uint32_t>(10 + name.size());
  }
  return f;
}

/// A sample whose frames are not in a profile yet: `make_profile` adds `frames` to its
/// table and sets `s.stack` to them.
struct framed_sample {
  std::vector<frame> frames;  ///< leaf first
  sample s;
};

/// A sample from `root;...;leaf` text (root first, as collapsed stacks are written).
inline framed_sample make_sample(const std::string& stack, std::map<std::string, std::string> labels = {},
                                 std::uint64_t timestamp_ns = 0, std::int64_t count = 1) {
  framed_sample out;
  std::stringstream in(stack);
  std::vector<frame> root_first;
  for (std::string name; std::getline(in, name, ';');) root_first.push_back(make_frame(name));
  out.frames.assign(root_first.rbegin(), root_first.rend());
  out.s.labels = std::move(labels);
  out.s.timestamp_ns = timestamp_ns;
  out.s.count = count;
  out.s.cpu_ns = count * 10'101'010;
  return out;
}

/// A profile of `samples`, each with its own copies of its frames in the table.
inline cpu_profile make_profile(std::vector<framed_sample> samples,
                                std::uint64_t start_ns = 1'700'000'000'000'000'000ULL) {
  cpu_profile p;
  p.period_ns = 10'101'010;  // 99 Hz
  p.start_ns = start_ns;
  p.duration_ns = 10'000'000'000ULL;
  for (framed_sample& framed : samples) {
    framed.s.stack = p.add_frames(framed.frames);
    p.samples.push_back(std::move(framed.s));
  }
  return p;
}

/// The profile the exporter tests send: two tasks, one with a trace context.
inline cpu_profile traced_profile(std::uint64_t start_ns = 1'700'000'000'000'000'000ULL) {
  return make_profile(
      {make_sample("main;task:checkout;handle_request;parse_body",
                   {{"task", "checkout"}, {"task_id", "7"}, {"worker", "1"}, {"thread.name", "worker-1"},
                    {"thread.id", "4243"}, {"trace_id", trace_a}, {"span_id", span_a}},
                   start_ns + 1000),
       make_sample("main;task:accept-loop;libc.so.6+0x9a2b",
                   {{"task", "accept-loop"}, {"task_id", "1"}, {"worker", "0"}}, start_ns + 2000)},
      start_ns);
}

}  // namespace coroscope::test
