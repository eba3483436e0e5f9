// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace coroscope::detail {

/// Per-thread counts of `TIMED_AWAIT`s by site, so that counting an await is a store in
/// memory the thread owns, not an event. A small direct-mapped table: a site that finds
/// its entry taken by another flushes that one (a `site_count` event) and takes it over.
/// The collector reads live entries when it builds a snapshot.
///
/// Written only by its thread; read by the collector. An entry is replaced as
/// site = null, count = 1, site = new, so a reader that sees the same site before and
/// after reading the count read a count of that site.
struct site_counts {
  static constexpr unsigned kEntries = 64;
  struct entry {
    std::atomic<const void*> site{nullptr};
    std::atomic<std::uint64_t> count{0};
  };
  std::array<entry, kEntries> entries;
  /// The probe these counts belong to (a thread counts for one probe at a time).
  std::atomic<std::uint16_t> probe{0};

  static unsigned index_of(const void* site) noexcept {
    return static_cast<unsigned>(reinterpret_cast<std::uintptr_t>(site) >> 4) % kEntries;
  }
};

}  // namespace coroscope::detail
