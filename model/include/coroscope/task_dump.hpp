// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

/// Task dumps: where every live task is right now, like Go's goroutine dump.
namespace coroscope {

/// One frame of a task's async (logical) stack: a coroutine of the chain.
struct async_frame {
  std::string function;  ///< short form (`short_function_name`)
  std::string file;      ///< the coroutine's source file; empty when not known
  /// The line of the `co_await` it is suspended at; the line of its definition where that
  /// cannot be told (README, "Task dumps").
  std::uint32_t line = 0;
  bool operator==(const async_frame&) const = default;
};

/// The `TIMED_AWAIT` a task waits in (the innermost, when they nest).
struct awaited_site {
  std::string name;  ///< the site's name (the awaited expression's text by default)
  std::string file;
  std::uint32_t line = 0;
  /// Coarse time since the await began (about 1 ms resolution, never more than it was).
  std::chrono::nanoseconds waited{0};
  bool operator==(const awaited_site&) const = default;
};

/// Where a task was when the dump was taken.
enum class dump_state {
  waiting,  ///< suspended, nothing of it runnable: `async_stack` is where it waits
  queued,   ///< suspended, a continuation of it posted and not yet polled: `async_stack` set
  running,  ///< a poll of it was running (or kept starting) during the walk: no stack
  starting, ///< spawned, its coroutine not yet polled: no stack
};
const char* to_string(dump_state s) noexcept;

/// One live task in a dump.
struct dumped_task {
  std::uint64_t id = 0;
  std::uint64_t parent_id = 0;
  std::string name;
  dump_state state = dump_state::waiting;
  /// Coarse time since its last poll ended (about 1 ms resolution); 0 for a running task
  /// and one never polled.
  std::chrono::nanoseconds waiting_for{0};
  std::uint64_t polls = 0;
  /// Leaf first: the coroutine that awaits an operation, then the one awaiting it, up to
  /// the task's own coroutine. Each frame is the coroutine: its function, and the file:line
  /// of the `co_await` it waits at (see async_frame::line).
  std::vector<async_frame> async_stack;
  /// The walk stopped before the task's own coroutine: memory it could not read (or more
  /// than 32 frames). `async_stack` is then the part walked, leaf first; empty: not known.
  bool async_stack_cut = false;
  /// Set when a waiting or queued task is inside a `TIMED_AWAIT`: which one, and how long.
  std::optional<awaited_site> awaiting;
};

/// Every live task of one probe at one moment, ordered by id.
struct task_dump {
  std::string service_name;
  std::chrono::system_clock::time_point taken{};
  std::vector<dumped_task> tasks;
  /// Tasks live when the dump began that ended before it reached them: not in `tasks`.
  std::uint64_t ended_while_taken = 0;
};

/// Go-style text: one block per task, a blank line between blocks:
///
///     task 7 "handle-session" [waiting, 1.2s]:
///         in TIMED_AWAIT "db.query" at /src/server.cpp:40 for 1.2s
///         read_request
///             /src/server.cpp:41
///         handle_session
///             /src/server.cpp:58
///
/// Frames whose file is not known print only the function.
std::string to_string(const task_dump& dump);
void write_dump(std::ostream& out, const task_dump& dump);
/// One task's block of `to_string`.
std::string to_string(const dumped_task& task);

}  // namespace coroscope
