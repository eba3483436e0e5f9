// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/profile.hpp>

#include <atomic>

namespace coroscope {

std::uint64_t reserve_frame_ids(std::uint64_t count) noexcept {
  // One counter for the process, so that ids from every symbolizer (and every one that
  // replaced an earlier one) stay distinct: 2^64 ids do not run out.
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(count, std::memory_order_relaxed);
}

}  // namespace coroscope
