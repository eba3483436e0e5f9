// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <optional>

#include "coroscope/trace_context.hpp"

namespace coroscope::this_task {

/// Attaches `ctx` to the task being polled on this thread. It is stored on the task, so it
/// follows the task across awaits and worker threads; CPU samples and slow-await warnings
/// of the task carry it. Returns false (and does nothing) outside a tracked task.
bool set_trace_context(const trace_context& ctx) noexcept;

/// The trace context of the task being polled on this thread, if it has one.
std::optional<trace_context> current_trace_context() noexcept;

/// Id of the task being polled on this thread (0 outside a tracked task).
std::uint64_t id() noexcept;

}  // namespace coroscope::this_task
