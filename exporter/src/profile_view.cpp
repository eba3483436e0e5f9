// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/profile_view.hpp>

#include <algorithm>
#include <cstdio>

namespace coroscope {

std::int64_t weight_of(const sample& s, sample_weight weight) noexcept {
  const std::int64_t value = weight == sample_weight::cpu_ns ? s.cpu_ns : s.count;
  return std::max<std::int64_t>(value, 0);
}

sample_weight preferred_weight(const cpu_profile& profile) noexcept {
  const bool has_cpu = std::any_of(profile.samples.begin(), profile.samples.end(),
                                   [](const sample& s) { return s.cpu_ns > 0; });
  return has_cpu ? sample_weight::cpu_ns : sample_weight::count;
}

std::string display_name(const frame& f, name_style style) {
  if (!f.function.empty())
    return f.is_task_frame ? f.function : function_name_in(f.function, style);
  char hex[2 + 16 + 1];
  std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(f.address));
  return f.module.empty() ? std::string(hex) : f.module + '+' + hex;
}

const std::string& frame_namer::name(const frame& f) {
  if (f.function.empty()) return scratch_ = display_name(f, style_);
  if (f.is_task_frame || style_ == name_style::full_names) return f.function;
  auto it = short_names_.find(f.function);
  if (it == short_names_.end()) it = short_names_.emplace(f.function, short_function_name(f.function)).first;
  return it->second;
}

}  // namespace coroscope
