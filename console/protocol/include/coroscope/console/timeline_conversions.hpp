// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Conversions between coroscope::timeline (the flight recorder's window) and the
// protocol's Timeline message (console.proto). Protocol plumbing, like
// proto_conversions.hpp.
#pragma once

#include <cstddef>
#include <string>

#include "coroscope/console/v1/console.pb.h"
#include "coroscope/timeline.hpp"

namespace coroscope::console::detail {

/// Events (polls, wakes, parks, awaits, lints) a Timeline reply carries at most: about
/// 25 MiB on the wire, well inside a frame.
inline constexpr std::size_t kMaxTimelineEvents = 2'000'000;

/// Writes `t` with `recording = true`. Keeps the newest `max_events` events when there
/// are more (the rest counted in `omitted_events`). CPU samples and counters are not
/// written (see console.proto).
void to_proto(const timeline& t, v1::Timeline* out, std::size_t max_events = kMaxTimelineEvents);

/// Reads a Timeline back into `out`. False, with `error` set to one line, when the
/// message is inconsistent (columns of one group of different lengths, an unknown waker
/// kind); times that overflow are clamped. `recording` is the caller's to check.
bool from_proto(const v1::Timeline& m, timeline& out, std::string& error);

/// `window` (the windows received so far) with a partial reply added: its events that end
/// before the partial one's `begin_ns` go (the recorder has evicted them), then the partial
/// one's are appended; tasks no event names any more go, the partial one's workers,
/// counts and end replace `window`'s. The result is a whole window (not partial) of at
/// most about `max_events` events, the newest: a peer that never moves the start cannot
/// make it grow without bound.
timeline add_partial(const timeline& window, timeline&& partial,
                     std::size_t max_events = kMaxTimelineEvents);

}  // namespace coroscope::console::detail
