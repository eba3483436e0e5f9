// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The per-track sequencer on its own: slices in, begin/end/instant events out, nested
// the way Perfetto nests them.
#include "track_slices.hpp"

#include <gtest/gtest.h>

namespace {

using coroscope::detail::sequence_track;
using coroscope::detail::track_edge;
using coroscope::detail::track_item;
using coroscope::detail::track_step;

std::string render(const std::vector<track_step>& steps) {
  std::string out;
  for (const auto& s : steps) {
    const char* kind = s.edge == track_edge::slice_begin ? "B" : s.edge == track_edge::slice_end ? "E" : "I";
    out += std::string(kind) + std::to_string(s.payload) + "@" + std::to_string(s.time_ns) + " ";
  }
  return out;
}

TEST(SequenceTrack, AdjacentSlicesEndBeforeTheNextBegins) {
  EXPECT_EQ(render(sequence_track({{10, 20, false, 2}, {0, 10, false, 1}})), "B1@0 E1@10 B2@10 E2@20 ");
}

TEST(SequenceTrack, NestedSlicesAndInstants) {
  // An instant at a slice's begin or end is inside it; the longer of two slices that
  // begin together is the parent.
  EXPECT_EQ(render(sequence_track({{0, 5, false, 2}, {0, 10, false, 1}, {10, 10, true, 3}, {0, 0, true, 4}})),
            "B1@0 B2@0 I4@0 E2@5 I3@10 E1@10 ");
}

TEST(SequenceTrack, CrossingSliceIsCutAtItsParentsEnd) {
  EXPECT_EQ(render(sequence_track({{0, 10, false, 1}, {5, 15, false, 2}})), "B1@0 B2@5 E2@10 E1@10 ");
}

TEST(SequenceTrack, EmptyAndBackwards) {
  EXPECT_EQ(render(sequence_track({})), "");
  EXPECT_EQ(render(sequence_track({{7, 3, false, 1}})), "B1@7 E1@7 ");
}

}  // namespace
