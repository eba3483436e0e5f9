// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "coroscope/console_server.hpp"
#include "coroscope/core/recording.hpp"

namespace coroscope::agent {

/// A `console_source` over a recording's snapshots: identity, snapshots, task details,
/// the live flamegraph (its own CPU windows) and the heap view (when heap sampling runs).
/// `source` must outlive the server.
console_source make_console_source(const core::snapshot_source& source);

}  // namespace coroscope::agent
