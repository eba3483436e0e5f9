// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <vector>

namespace coroscope::detail {

/// One thing shown on a track: a slice [begin_ns, end_ns], or an instant at begin_ns.
/// `payload` is the caller's: what to write for it.
struct track_item {
  std::uint64_t begin_ns = 0;
  std::uint64_t end_ns = 0;
  bool instant = false;
  std::uint32_t payload = 0;
};

/// What a track event is.
enum class track_edge : std::uint8_t { slice_begin, slice_end, instant };

/// One track event, in the order the track must be written.
struct track_step {
  std::uint64_t time_ns = 0;
  track_edge edge = track_edge::instant;
  std::uint32_t payload = 0;
};

/// Turns a track's items (any order) into begin/end/instant events in time order, as
/// Perfetto nests them: a slice that begins inside another one ends no later than it
/// (cut at its end otherwise), a slice ends before one that begins at its end time, an
/// instant at a slice's begin or end falls inside it. Equal items keep their given order.
std::vector<track_step> sequence_track(std::vector<track_item> items);

}  // namespace coroscope::detail
