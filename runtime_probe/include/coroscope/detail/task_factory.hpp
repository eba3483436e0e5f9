// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <source_location>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "coroscope/task_executor.hpp"

namespace coroscope::detail {

/// A new task record of probe `probe_id` wrapped in an executor over `inner`. When the pool
/// is exhausted (or `probe_id` is 0) the executor is untracked and the miss is counted.
task_executor make_task_executor(std::uint16_t probe_id,
                                 const boost::asio::io_context::executor_type& inner,
                                 std::string_view name, const std::source_location& location);

/// The id of the live probe wrapping `io`, or 0.
std::uint16_t probe_id_for(const boost::asio::io_context& io) noexcept;

/// Marks the task being polled on this thread as having ended with an exception.
void mark_current_task_failed() noexcept;

}  // namespace coroscope::detail
