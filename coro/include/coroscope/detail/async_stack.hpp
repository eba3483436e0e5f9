// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <type_traits>

#include <boost/asio/any_io_executor.hpp>
#include <boost/version.hpp>

#include "coroscope/detail/task_record.hpp"

/// Async (logical) stacks read Asio's private coroutine-frame layout, which we checked for
/// Boost 1.81 only. Other versions build and run with async stacks off: samples then show
/// the native stack under the task frame.
#ifndef COROSCOPE_ASYNC_STACKS
#if BOOST_VERSION / 100 == 1081
#define COROSCOPE_ASYNC_STACKS 1
#else
#define COROSCOPE_ASYNC_STACKS 0
#endif
#endif

namespace coroscope::detail {

/// Remembers the root frame of the coroutine chain `task` is running, given the address
/// of the `has_context_switched_` flag Asio keeps in that root frame. Only for coroutines
/// on `any_io_executor` (the default `awaitable<T>`), and only when the root frame's
/// executor is `task`'s own executor, whose destruction then clears the root again.
void capture_async_root(task_record* task, const bool* context_switched_flag) noexcept;

/// The async stack of the coroutine chain rooted at `root`, leaf first: for each awaiting
/// frame, its resume-function address (which symbolizes to the coroutine's name).
/// Async-signal-safe: bounded, reads only the chain's frames.
unsigned walk_async_stack(const void* root, std::uintptr_t* out, unsigned max) noexcept;

/// Called by `TIMED_AWAIT` with values only a coroutine body can get: its executor (whose
/// type tells the frame layout) and the root-frame flag. Once per task.
template <typename Executor>
inline void note_async_root(task_record* task, const Executor&, const bool& flag) noexcept {
  if constexpr (std::is_same_v<Executor, boost::asio::any_io_executor>) {
    if (task && task->async_root.load(std::memory_order_relaxed) == nullptr)
      capture_async_root(task, &flag);
  }
}

}  // namespace coroscope::detail
