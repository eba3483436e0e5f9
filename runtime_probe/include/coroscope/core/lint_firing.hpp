// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <string>

namespace coroscope::core {

/// A lint that fired while the flight recorder was on: what automatic traces are named
/// after. `seq` numbers the firings of one probe from 1.
struct lint_firing {
  std::uint64_t seq = 0;
  std::string lint;
  std::uint64_t task_id = 0;
};

}  // namespace coroscope::core
