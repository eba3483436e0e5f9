// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

// Test helpers shared by tests/flamegraph and tests/tools: profiles written as text, and
// flamegraph SVGs read back through python3's XML parser (svg_frames.py), so a malformed
// document fails the test and entities are decoded as a browser would.

#include "../support/temp_dir.hpp"

#include <coroscope/profile.hpp>

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace coroscope::test {

/// One stack as text, root first (`main;task:accept-loop;parse_body`), with its count.
/// `task:`-prefixed frames are task frames; `lib.so+0x1a2b` is an unsymbolized frame.
struct stack_text {
  std::string stack;
  std::int64_t count = 1;
  std::map<std::string, std::string> labels{};
  std::int64_t cpu_ns = -1;  ///< -1: count × period
};

inline frame make_frame(const std::string& name) {
  frame f;
  if (name.starts_with("task:")) {
    f.function = name;
    f.is_task_frame = true;
  } else if (auto plus = name.find("+0x"); plus != std::string::npos) {
    f.module = name.substr(0, plus);
    f.address = std::stoull(name.substr(plus + 3), nullptr, 16);
  } else {
    f.function = name;
    f.file = "src/" + name + ".cpp";
    f.line = static_cast<std::uint32_t>(10 + name.size());
  }
  return f;
}

inline constexpr std::int64_t test_period_ns = 10'000'000;  // 100 Hz

inline cpu_profile make_profile(const std::vector<stack_text>& stacks) {
  cpu_profile p;
  p.period_ns = test_period_ns;
  for (const stack_text& text : stacks) {
    std::vector<frame> stack;
    std::stringstream in(text.stack);
    for (std::string name; std::getline(in, name, ';');) stack.push_back(make_frame(name));
    std::reverse(stack.begin(), stack.end());  // the model is leaf first
    sample s;
    s.stack = p.add_frames(stack);
    s.count = text.count;
    s.cpu_ns = text.cpu_ns >= 0 ? text.cpu_ns : text.count * p.period_ns;
    s.labels = text.labels;
    p.samples.push_back(std::move(s));
  }
  return p;
}


inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

/// Runs `command` with /bin/sh; returns stdout and the exit code.
struct run_result {
  std::string out;
  int exit_code = -1;
};

inline run_result run(const std::string& command) {
  run_result result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 65536> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) result.out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// One frame of a parsed flamegraph.
struct svg_frame {
  std::string css_class, fill, name, details;
  double x = 0, y = 0, width = 0;
  int red() const { return channel(0); }
  int green() const { return channel(1); }
  int blue() const { return channel(2); }

 private:
  int channel(int i) const {
    int rgb[3] = {-1, -1, -1};
    std::sscanf(fill.c_str(), "rgb(%d,%d,%d)", &rgb[0], &rgb[1], &rgb[2]);
    return rgb[i];
  }
};

struct parsed_svg {
  std::vector<svg_frame> frames;
  std::string note;
  std::string title;
  const svg_frame* find(const std::string& name) const {
    auto it = std::find_if(frames.begin(), frames.end(), [&](const svg_frame& f) { return f.name == name; });
    return it == frames.end() ? nullptr : &*it;
  }
};

/// Parses an SVG file with python3's xml.etree; fails the test when it is not well-formed.
inline std::optional<parsed_svg> parse_svg_file(const std::filesystem::path& path) {
  const run_result r = run(shell_quote(COROSCOPE_PYTHON3) + " " + shell_quote(COROSCOPE_SVG_FRAMES_PY) + " " +
                           shell_quote(path.string()) + " 2>&1");
  if (r.exit_code != 0) {
    ADD_FAILURE() << "SVG is not well-formed XML: " << r.out;
    return std::nullopt;
  }
  parsed_svg svg;
  std::stringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> fields;
    std::stringstream cells(line);
    for (std::string cell; std::getline(cells, cell, '\t');) fields.push_back(cell);
    if (fields.size() >= 2 && fields[0] == "#note") svg.note = fields[1];
    else if (fields.size() >= 2 && fields[0] == "#title") svg.title = fields[1];
    else if (fields.size() == 7)
      svg.frames.push_back({fields[0], fields[1], fields[5], fields[6], std::stod(fields[2]),
                            std::stod(fields[3]), std::stod(fields[4])});
    else ADD_FAILURE() << "unexpected line from svg_frames.py: " << line;
  }
  return svg;
}

/// Writes `svg` to a temporary file and parses it.
inline std::optional<parsed_svg> parse_svg(const std::string& svg) {
  temp_dir dir;
  write_file(dir.path() / "graph.svg", svg);
  return parse_svg_file(dir.path() / "graph.svg");
}

}  // namespace coroscope::test
