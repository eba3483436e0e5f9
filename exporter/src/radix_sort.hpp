// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace coroscope::detail {

/// Sorts `records` stably by a key of `digits` digits, each below `radix`, the least
/// significant first: `digit(record, d)` is digit `d` (0 the least significant). A least
/// significant digit radix sort: one counting pass and one scatter pass over the records
/// per digit, no comparisons, so linear in the records; a digit that is the same in every
/// record costs its counting pass only. `scratch` is reused memory of its own (its
/// contents are overwritten); the sorted records end up in `records`.
///
/// Being stable, it gives the order `std::sort` gives by (key, position in `records`).
template <typename Record, typename Digit>
void radix_sort(std::vector<Record>& records, std::vector<Record>& scratch, std::size_t digits,
                std::size_t radix, Digit&& digit) {
  if (records.size() < 2) return;
  std::vector<std::uint32_t> starts(radix);
  scratch.resize(records.size());
  for (std::size_t d = 0; d < digits; ++d) {
    std::fill(starts.begin(), starts.end(), 0);
    for (const Record& r : records) ++starts[digit(r, d)];
    if (starts[digit(records.front(), d)] == records.size()) continue;  // nothing to move
    std::uint32_t next = 0;  // counts to where each digit's records start
    for (std::uint32_t& s : starts) next += std::exchange(s, next);
    for (const Record& r : records) scratch[starts[digit(r, d)]++] = r;
    records.swap(scratch);
  }
}

}  // namespace coroscope::detail
