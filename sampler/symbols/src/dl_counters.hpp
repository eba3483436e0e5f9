// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>

namespace coroscope::detail {

/// glibc's counts of shared objects loaded and unloaded so far (`dlpi_adds`,
/// `dlpi_subs`): a cheap way to tell whether the set of modules changed.
struct dl_counters {
  std::uint64_t adds = 0;
  std::uint64_t subs = 0;
  bool operator==(const dl_counters&) const = default;
};

/// The current counters; both 0 if the C library does not provide them (then only the
/// time-based re-report finds new modules). Takes the loader's lock briefly.
dl_counters read_dl_counters() noexcept;

}  // namespace coroscope::detail
