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

std::string display_name(const frame& f) {
  if (!f.function.empty()) return f.function;
  char hex[2 + 16 + 1];
  std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(f.address));
  return f.module.empty() ? std::string(hex) : f.module + '+' + hex;
}

}  // namespace coroscope
