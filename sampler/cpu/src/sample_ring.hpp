// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "coroscope/base/spsc_ring.hpp"
#include "coroscope/sampler.hpp"

namespace coroscope::sampling::detail {

/// A thread's sample ring: the SIGPROF handler reserves a slot, fills the ~900-byte record
/// in place and publishes it; the registry's drain (under its mutex) reads it.
using sample_ring = base::spsc_ring<raw_sample>;

}  // namespace coroscope::sampling::detail
