// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/profile.hpp>
#include <coroscope/profile_view.hpp>
#include <coroscope/collapsed.hpp>

#include <map>
#include <string>

namespace coroscope {

std::string collapsed_stacks(const cpu_profile& profile, name_style names) {
  check_stacks(profile);
  frame_namer namer(names);
  // std::map keeps the lines sorted and merges equal stacks.
  std::map<std::string, std::int64_t> totals;
  std::string key;
  for (const sample& s : profile.samples) {
    if (s.stack.empty()) continue;  // a line needs at least one frame
    key.clear();
    for (auto it = s.stack.rbegin(); it != s.stack.rend(); ++it) {
      if (it != s.stack.rbegin()) key += ';';
      key += namer.name(profile.frames[*it]);
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
