// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// A fixed CPU profile for comparing encoders: the same on every machine (std::mt19937's
// raw output is fixed by the standard; no distribution is used), each sample with its own
// copies of its frames in the table, as every sample held them before the profile had a
// frame table (tests/exporter/data/README.md).
#pragma once

#include <coroscope/profile.hpp>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace coroscope::test {

/// 3000 samples over 48 code addresses in 3 modules (some with inlined frames, some
/// unknown to the symbolizer, one outside every module), 4 tasks, labels with and without
/// a trace, an empty label value, stacks that repeat so that samples merge.
inline cpu_profile fixed_profile() {
  std::mt19937 random(15);
  auto pick = [&random](std::uint32_t n) { return static_cast<std::uint32_t>(random() % n); };
  static const char* const modules[] = {"/opt/app/bin/app", "/usr/lib/libssl.so.3", "/usr/lib/libz.so.1"};

  // The frames of each code address, innermost first, as a symbolizer gives them.
  std::vector<std::vector<frame>> addresses(48);
  for (std::uint32_t a = 0; a < addresses.size(); ++a) {
    const std::uint32_t module = a % 3;
    frame f;
    f.address = 0x1000 + 0x40 * a;
    if (a % 11 != 10) {  // known code; every eleventh address is not
      f.function = "app::ns" + std::to_string(a % 5) + "::function_" + std::to_string(a) + "(int, char const*)";
      f.file = "/src/app/file_" + std::to_string(a % 7) + ".cpp";
      f.line = 10 + a;
    }
    if (a == 47) {
      f.address = 0x7f0000001234;  // outside every module: no module, no build id
    } else {
      f.module = modules[module];
      f.build_id = "b1d" + std::to_string(module);
    }
    if (a % 4 == 1 && !f.function.empty()) {  // an inlined callee at the same address
      frame inlined = f;
      inlined.function = "app::inlined_" + std::to_string(a) + "()";
      inlined.line = 500 + a;
      addresses[a].push_back(inlined);
    }
    addresses[a].push_back(f);
  }
  static const char* const tasks[] = {"accept-loop", "session", "flush", "metrics"};

  cpu_profile p;
  p.period_ns = 10'101'010;
  p.start_ns = 1'700'000'000'000'000'000ULL;
  p.duration_ns = 30'000'000'000ULL;
  p.main_module = modules[0];
  // Stacks to repeat, with their labels.
  std::vector<std::pair<std::vector<frame>, std::map<std::string, std::string>>> recent;
  for (int i = 0; i < 3000; ++i) {
    std::vector<frame> stack;
    sample s;
    if (!recent.empty() && pick(3) == 0) {
      std::tie(stack, s.labels) = recent[pick(static_cast<std::uint32_t>(recent.size()))];
    } else {
      const std::uint32_t depth = 5 + pick(16);
      for (std::uint32_t d = 0; d < depth; ++d) {
        const auto& frames = addresses[pick(static_cast<std::uint32_t>(addresses.size()))];
        stack.insert(stack.end(), frames.begin(), frames.end());
      }
      if (pick(10) != 0) {  // inside a task: its frame at the root, its labels
        const std::uint32_t task = pick(4);
        frame root;
        root.function = tasks[task];
        root.is_task_frame = true;
        stack.push_back(root);
        s.labels = {{"task", tasks[task]}, {"task_id", std::to_string(task + 1)},
                    {"worker", std::to_string(pick(2))}};
        if (pick(5) == 0) {
          s.labels["trace_id"] = "4bf92f3577b34da6a3ce929d0e0e" + std::to_string(1000 + pick(50));
          s.labels["span_id"] = "00f067aa0ba9" + std::to_string(1000 + pick(50));
        }
      } else if (pick(2) == 0) {
        s.labels = {{"note", ""}};
      }
      recent.emplace_back(stack, s.labels);
      if (recent.size() > 64) recent.erase(recent.begin());
    }
    s.stack = p.add_frames(stack);
    s.count = 1 + pick(3);
    s.cpu_ns = s.count * p.period_ns;
    p.samples.push_back(std::move(s));
  }
  return p;
}

}  // namespace coroscope::test
