// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "protos/perfetto/trace/trace.pb.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace coroscope::test {

/// One slice or instant as a trace viewer rebuilds it from the events of its track.
struct view_slice {
  std::string name;
  std::uint64_t begin_ns = 0;
  std::uint64_t end_ns = 0;
  bool instant = false;
  unsigned depth = 0;  ///< open slices around it on its track
  std::vector<std::uint64_t> flows_out;
  std::vector<std::uint64_t> flows_in;
  std::map<std::string, std::string> args;  ///< debug annotations, values as text
  const perfetto::protos::TrackEvent* event = nullptr;  ///< its begin or instant event
};

/// A decoded trace, checked the way trace processor reads it: every packet on one
/// sequence in time order, interned names defined before use, every event on a
/// described track, slices balanced per track. Violations are gtest failures.
struct trace_view {
  perfetto::protos::Trace trace;
  std::map<std::uint64_t, perfetto::protos::TrackDescriptor> tracks;  ///< by uuid
  std::map<std::uint64_t, std::vector<view_slice>> slices;  ///< by track uuid, begin order
  std::map<std::uint64_t, std::vector<std::pair<std::uint64_t, double>>> counters;

  explicit trace_view(const std::string& bytes);

  /// Decodes and checks (a constructor cannot hold gtest's fatal assertions).
  void read(const std::string& bytes);

  /// The uuid of the one track named `name` (a failure and 0 otherwise).
  std::uint64_t track(const std::string& name) const;
  /// The slices (not instants) of the track named `name`.
  std::vector<view_slice> slices_of(const std::string& name) const;
  /// The instants of the track named `name`.
  std::vector<view_slice> instants_of(const std::string& name) const;
};

/// The value of `slice`'s debug annotation `name` as text ("" when absent).
std::string annotation(const view_slice& slice, const std::string& name);

}  // namespace coroscope::test
