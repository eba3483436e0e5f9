// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/profile.hpp>

#include <atomic>
#include <limits>
#include <stdexcept>
#include <string>

namespace coroscope {

std::uint64_t reserve_frame_ids(std::uint64_t count) noexcept {
  // One counter for the process, so that ids from every symbolizer (and every one that
  // replaced an earlier one) stay distinct: 2^64 ids do not run out.
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(count, std::memory_order_relaxed);
}

std::uint32_t cpu_profile::add_frame(frame f) {
  if (frames.size() >= std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("cpu_profile: more than 2^32 - 1 frames");
  frames.push_back(std::move(f));
  return static_cast<std::uint32_t>(frames.size() - 1);
}

std::vector<std::uint32_t> cpu_profile::add_frames(const std::vector<frame>& stack) {
  std::vector<std::uint32_t> indices;
  indices.reserve(stack.size());
  for (const frame& f : stack) indices.push_back(add_frame(f));
  return indices;
}

std::vector<frame> cpu_profile::frames_of(const sample& s) const {
  std::vector<frame> out;
  out.reserve(s.stack.size());
  for (const std::uint32_t index : s.stack) {
    if (index >= frames.size())
      throw std::out_of_range("cpu_profile: a stack names frame " + std::to_string(index) + " of " +
                              std::to_string(frames.size()));
    out.push_back(frames[index]);
  }
  return out;
}

void check_stacks(const cpu_profile& profile) {
  for (std::size_t i = 0; i < profile.samples.size(); ++i)
    for (const std::uint32_t index : profile.samples[i].stack)
      if (index >= profile.frames.size())
        throw std::invalid_argument("cpu_profile: sample " + std::to_string(i) + "'s stack names frame " +
                                    std::to_string(index) + " of " + std::to_string(profile.frames.size()));
}

}  // namespace coroscope
