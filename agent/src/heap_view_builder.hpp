// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The console's heap view from the heap sampler's profiles (server side, probe thread of
// the console server only).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "coroscope/console_types.hpp"
#include "coroscope/heap_profile.hpp"
#include "coroscope/leak_report.hpp"

namespace coroscope::detail {

/// Turns successive heap profiles into `heap_view`s: the top live sites of the latest
/// profile, and leak suspects over a short history of earlier ones.
///
/// Memory is bounded: the history holds at most `history` snapshots, each cut to its
/// `kHistorySites` largest sites (by in-use bytes, merged per leak-report key), taken at
/// least `spacing` apart. Not thread-safe: the console server calls it from its thread.
class heap_view_builder {
 public:
  static constexpr std::size_t kHistorySites = 256;

  explicit heap_view_builder(leak_options options = {},
                             std::chrono::nanoseconds spacing = std::chrono::seconds(5),
                             std::size_t history = 12);

  /// The view of `profile` (taken now) with the process's resident set size.
  heap_view next(const heap_profile& profile, std::optional<std::int64_t> rss_bytes);

 private:
  leak_options options_;
  std::chrono::nanoseconds spacing_;
  std::size_t history_size_;
  std::vector<heap_profile> history_;  ///< oldest first, merged and cut
};

/// `stack` as the console shows it (function or module+address, file, line).
std::vector<heap_frame> to_heap_frames(const std::vector<frame>& stack);

}  // namespace coroscope::detail
