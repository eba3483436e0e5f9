// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <string_view>

namespace coroscope::base {

/// True when `given` equals `expected`, in a time that depends only on the length of
/// `given`: every byte of it is compared (against `expected` repeated when the lengths
/// differ), so neither the position of a mismatch nor `expected`'s length shows in the
/// timing. For bearer and console tokens. An empty `expected` matches nothing.
bool constant_time_equal(std::string_view given, std::string_view expected) noexcept;

}  // namespace coroscope::base
