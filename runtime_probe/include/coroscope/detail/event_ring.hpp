// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "coroscope/base/spsc_ring.hpp"
#include "coroscope/detail/event.hpp"

namespace coroscope::detail {

/// A thread's event ring: written by the thread's hooks, drained by the collector.
using event_ring = base::spsc_ring<event>;

}  // namespace coroscope::detail
