// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "track_slices.hpp"

#include <algorithm>

namespace coroscope::detail {

std::vector<track_step> sequence_track(std::vector<track_item> items) {
  // Begin time first; at one time slices before instants (an instant there is inside
  // them) and longer slices before shorter ones (the longer one is the parent).
  std::stable_sort(items.begin(), items.end(), [](const track_item& a, const track_item& b) {
    if (a.begin_ns != b.begin_ns) return a.begin_ns < b.begin_ns;
    if (a.instant != b.instant) return !a.instant;
    return a.end_ns > b.end_ns;
  });

  std::vector<track_step> steps;
  steps.reserve(items.size() * 2);
  // The open slices, innermost last; their ends never grow towards the top.
  std::vector<track_item> open;
  auto close_until = [&](auto still_open) {
    while (!open.empty() && !still_open(open.back().end_ns)) {
      steps.push_back({open.back().end_ns, track_edge::slice_end, open.back().payload});
      open.pop_back();
    }
  };
  for (track_item item : items) {
    if (item.instant) {
      close_until([&](std::uint64_t end) { return end >= item.begin_ns; });
      steps.push_back({item.begin_ns, track_edge::instant, item.payload});
      continue;
    }
    close_until([&](std::uint64_t end) { return end > item.begin_ns; });
    item.end_ns = std::max(item.end_ns, item.begin_ns);
    if (!open.empty()) item.end_ns = std::min(item.end_ns, open.back().end_ns);
    steps.push_back({item.begin_ns, track_edge::slice_begin, item.payload});
    open.push_back(item);
  }
  close_until([](std::uint64_t) { return false; });
  return steps;
}

}  // namespace coroscope::detail
