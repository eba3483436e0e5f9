// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/base/constant_time.hpp>

#include <cstddef>

namespace coroscope::base {

bool constant_time_equal(std::string_view given, std::string_view expected) noexcept {
  if (expected.empty()) return false;
  unsigned diff = given.size() != expected.size() ? 1u : 0u;
  for (std::size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(given[i]) ^
            static_cast<unsigned char>(expected[i % expected.size()]);
  return diff == 0;
}

}  // namespace coroscope::base
