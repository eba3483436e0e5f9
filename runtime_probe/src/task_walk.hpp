// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <vector>

#include "coroscope/detail/task_record.hpp"
#include "coroscope/task_dump.hpp"
#include "foreign_memory.hpp"

namespace coroscope::detail {

/// Coroutine frames a dump walks per task (the sampler keeps as many).
inline constexpr unsigned kDumpFrames = 32;

/// One live task as the collector saw it: `task.async_stack` is empty, `pcs` holds the
/// walked chain, symbolized later off the collector's lock.
struct walked_task {
  dumped_task task;
  std::vector<std::uintptr_t> pcs;
};

/// What a walk of a task's coroutine chain from another thread found.
enum class walk_result { suspended, running, not_started, ended };

/// Walks the async stack of `t` from any thread while its workers keep running: only while
/// the task is suspended (no thread attached to its leaf frame, no poll begun or ended
/// during the walk), retried a few times; `running` when it kept running. Reads frames
/// only through `memory` (one per dump), so that none can fault. Writes resume functions,
/// leaf first, to `pcs` (resized to what was walked); `*cut` says the walk stopped before
/// the task's own coroutine (empty `pcs`: not known). No lock, no allocation but `pcs`;
/// the task's own threads pay nothing for it.
walk_result walk_task(const task_record& t, std::vector<std::uintptr_t>& pcs,
                      const foreign_memory& memory, bool* cut = nullptr);

/// The coroutines of `pcs` (resume functions, leaf first) as frames: Asio's own coroutines
/// (the initiation every operation awaits) and coroscope's spawn wrapper left out. Takes the process's symbolizer: off
/// the collector's lock when many are symbolized.
std::vector<async_frame> symbolize_async_stack(const std::vector<std::uintptr_t>& pcs);

/// `symbolize_async_stack` over every walked task at once (`task.async_stack` set), each
/// coroutine looked up and shortened once: many tasks wait in the same few coroutines.
void symbolize_async_stacks(std::vector<walked_task>& tasks);

/// "read_request (server.cpp:41) <- handle_session (server.cpp:58)": a stack on one line.
std::string one_line(const std::vector<async_frame>& stack);

}  // namespace coroscope::detail
