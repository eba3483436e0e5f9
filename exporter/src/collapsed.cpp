// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/profile.hpp>

#include <cstdio>
#include <map>
#include <string>

namespace coroscope {
namespace {

void append_frame_name(std::string& out, const frame& f) {
  if (!f.function.empty()) {
    out += f.function;
    return;
  }
  char hex[2 + 16 + 1];
  std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(f.address));
  if (!f.module.empty()) {
    out += f.module;
    out += '+';
  }
  out += hex;
}

}  // namespace

std::string collapsed_stacks(const cpu_profile& profile) {
  // std::map keeps the lines sorted and merges equal stacks.
  std::map<std::string, std::int64_t> totals;
  std::string key;
  for (const sample& s : profile.samples) {
    if (s.stack.empty()) continue;  // a line needs at least one frame
    key.clear();
    for (auto it = s.stack.rbegin(); it != s.stack.rend(); ++it) {
      if (it != s.stack.rbegin()) key += ';';
      append_frame_name(key, *it);
    }
    totals[key] += s.count;
  }
  std::string out;
  for (const auto& [stack, count] : totals) {
    out += stack;
    out += ' ';
    out += std::to_string(count);
    out += '\n';
  }
  return out;
}

}  // namespace coroscope
