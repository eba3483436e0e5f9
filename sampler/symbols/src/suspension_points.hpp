// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <elfutils/libdw.h>

#include "coroscope/symbolizer.hpp"

namespace coroscope::detail {

/// Where the GCC coroutine whose actor (resume function) is the subprogram DIE `actor`
/// can be suspended, read from its debug info; empty (`index_offset` -1) for code GCC did
/// not lower from a coroutine or without debug info.
suspension_points read_suspension_points(Dwarf_Die* actor);

}  // namespace coroscope::detail
