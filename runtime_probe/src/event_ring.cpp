// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/detail/event_ring.hpp"

#include <bit>
#include <stdexcept>

namespace coroscope::detail {

event_ring::event_ring(std::size_t capacity_pow2)
    : capacity_(capacity_pow2), mask_(capacity_pow2 - 1), slots_(new event[capacity_pow2]) {
  if (!std::has_single_bit(capacity_pow2))
    throw std::invalid_argument("event_ring capacity must be a power of two");
}

}  // namespace coroscope::detail
