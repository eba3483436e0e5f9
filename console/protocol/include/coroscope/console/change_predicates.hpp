// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Whether a value changed between two snapshots, by the fields the protocol carries: the
// agent's console server sends a delta of only what changed. Public for the server's
// sake; the protocol's own plumbing (namespace detail), not an API for programs that link
// coroscope.
#pragma once

#include <vector>

#include "coroscope/console_types.hpp"
#include "coroscope/snapshot.hpp"

namespace coroscope::console::detail {

/// True when the values a TaskStats carries differ.
bool stats_differ(const task_info& a, const task_info& b);
/// True when the values a Resource carries differ.
bool resource_differs(const resource_info& a, const resource_info& b);
/// True when the values an AwaitSite carries differ.
bool site_differs(const await_site_info& a, const await_site_info& b);
/// True when the lists differ in length or in the values a Warning carries.
bool warnings_differ(const std::vector<warning_info>& a, const std::vector<warning_info>& b);

}  // namespace coroscope::console::detail
