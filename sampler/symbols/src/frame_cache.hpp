// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "coroscope/profile.hpp"

namespace coroscope::detail {

/// The symbolizer's cache: frames per looked-up address, stored compactly.
///
/// A `frame` holds four strings; cached as they are, an address of inlined Asio code
/// costs about 2.4 KiB (four frames, each with its own copy of the module path, build id,
/// file and function). Here each distinct string is stored once and a cached frame is 40
/// bytes: about 40 bytes per address (the map) plus 40 per frame, plus the strings.
///
/// Each cached frame has its own id (`frame::id`, from `reserve_frame_ids`), handed out
/// with it on every answer, so the profile builder stores each frame once in a profile's
/// frame table, keyed by its id. An id is
/// never given again, not even after `clear`: an address cached again gets new ids.
///
/// Both `get` and `put` answer with one vector the cache owns and rewrites on every
/// call; a string already showing the right text (often the module and build id) is
/// not copied again.
class frame_cache {
 public:
  /// The frames cached for `addr`, or null.
  const std::vector<frame>* get(std::uintptr_t addr);

  /// Caches `frames` for `addr` (not cached yet) and returns them. When `max_entries`
  /// addresses are cached already, everything is dropped first.
  const std::vector<frame>& put(std::uintptr_t addr, std::vector<frame> frames, std::size_t max_entries);

  /// Drops every address and string.
  void clear() noexcept;

  /// Number of cached addresses.
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct compact_frame {
    std::uint64_t id = 0;
    std::uint64_t address = 0;
    std::uint32_t line = 0;
    std::uint32_t function = 0;
    std::uint32_t file = 0;
    std::uint32_t module = 0;
    std::uint32_t build_id = 0;
  };
  struct span {
    std::uint32_t first = 0;
    std::uint32_t count = 0;
  };
  std::uint32_t intern(const std::string& s);

  // Distinct strings; a deque so views into them stay valid as it grows. Index 0 is "".
  std::deque<std::string> strings_;
  std::unordered_map<std::string_view, std::uint32_t> ids_;
  std::vector<compact_frame> frames_;
  std::unordered_map<std::uintptr_t, span> entries_;
  // What get/put return, and the string ids each of its frames shows (`unknown` when
  // not known, e.g. after clear() renumbered the strings).
  static constexpr std::uint32_t unknown = ~std::uint32_t{0};
  struct shown_ids {
    std::uint32_t function = unknown, file = unknown, module = unknown, build_id = unknown;
  };
  std::vector<frame> out_;
  std::vector<shown_ids> shown_;
  // Frames out_ gave up when it shrank, kept with their strings' buffers for when it
  // grows again (a few, so answers of any depth cost no allocation).
  static constexpr std::size_t max_spare = 64;
  std::vector<frame> spare_;
  std::vector<shown_ids> spare_shown_;
  void resize_out(std::size_t count);
};

}  // namespace coroscope::detail
