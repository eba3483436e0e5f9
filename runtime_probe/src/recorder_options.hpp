// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/base/env_reader.hpp>

#include "coroscope/probe_options.hpp"

namespace coroscope::detail {

/// Resolves the flight recorder's fields of `out` (`flight_recorder`, `trace_dir`,
/// `trace_on_sigusr2`) from `in` and the environment. A bad value is one line on `env`'s
/// report sink and leaves the recorder off (or the SIGUSR2 dump off); it never throws.
void resolve_recorder_options(const probe_options& in, const env::reader& env,
                              resolved_options& out);

}  // namespace coroscope::detail
