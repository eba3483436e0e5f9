// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "coroscope/sampler.hpp"

namespace coroscope::detail {

/// The sampler's context hook: the task this thread is polling (id, name, trace context,
/// async stack) and the worker index. Async-signal-safe.
void fill_sample_context(sampling::sample_context& context) noexcept;

}  // namespace coroscope::detail
