// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <string_view>

#include "coroscope/snapshot.hpp"

namespace coroscope::test {

inline const task_info* find_task(const snapshot& s, std::string_view name) {
  for (const auto& t : s.tasks)
    if (t.name == name) return &t;
  return nullptr;
}

inline const warning_info* find_warning(const snapshot& s, std::string_view lint,
                                        std::uint64_t task_id) {
  for (const auto& w : s.warnings)
    if (w.lint == lint && w.task_id == task_id) return &w;
  return nullptr;
}

inline const await_site_info* find_site(const snapshot& s, std::string_view name) {
  for (const auto& a : s.await_sites)
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace coroscope::test
