// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "results.hpp"

#include <algorithm>

namespace coroscope::viewer {

int Results::taskIndex(std::uint64_t id) const {
  const auto it = std::lower_bound(tasks.begin(), tasks.end(), id,
                                   [](const TaskRow& r, std::uint64_t v) { return r.info.id < v; });
  return it != tasks.end() && it->info.id == id ? static_cast<int>(it - tasks.begin()) : -1;
}

}  // namespace coroscope::viewer
