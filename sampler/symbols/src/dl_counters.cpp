// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "dl_counters.hpp"

#include <link.h>

#include <cstddef>

namespace coroscope::detail {

dl_counters read_dl_counters() noexcept {
  dl_counters counters;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t size, void* out) -> int {
        // Older C libraries pass a shorter struct without the counters.
        if (size >= offsetof(dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs)) {
          auto* c = static_cast<dl_counters*>(out);
          c->adds = info->dlpi_adds;
          c->subs = info->dlpi_subs;
        }
        return 1;  // the counters are the same in every entry: stop after the first
      },
      &counters);
  return counters;
}

}  // namespace coroscope::detail
