// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/timeline.hpp>

#include <string>

/// A window of recorded history as a Perfetto trace (`perfetto.protos.Trace`, protobuf),
/// the file ui.perfetto.dev and Perfetto's trace processor open. docs/TIMELINE.md shows
/// the tracks. Runs on whichever thread asks (never a worker's hot path); pure functions,
/// thread-safe.
namespace coroscope {

/// Encodes `window` as a serialized `perfetto.protos.Trace`. Deterministic: the same
/// timeline gives the same bytes. Intervals that neither follow nor nest inside another
/// one on the same track are cut at the enclosing slice's end, so every track's slices
/// stay balanced. Throws `std::bad_alloc` only.
std::string encode_perfetto(const timeline& window);

/// Writes `encode_perfetto(window)` to `path` (replacing it). Throws
/// `std::runtime_error` naming the path when it cannot be written.
void write_perfetto(const timeline& window, const std::string& path);

}  // namespace coroscope
