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

/// A task's coroutine chain as a walk read it.
struct walked_chain {
  std::vector<std::uintptr_t> pcs;     ///< resume functions, leaf first
  std::vector<std::uintptr_t> frames;  ///< their coroutine frames
  /// The task as the walk saw it: what is read of the frames later (where each waits) is
  /// kept only while the task still is so, not resumed since.
  const task_record* record = nullptr;
  std::uint32_t generation = 0;
  std::uint64_t poll_begins = 0, polls = 0;
  const void* root = nullptr;
  const void* leaf = nullptr;  ///< the frame on top of the chain (Asio's)
};

/// One live task as the collector saw it: `task.async_stack` is empty, `chain` holds the
/// walked chain, symbolized later off the collector's lock.
struct walked_task {
  dumped_task task;
  walked_chain chain;
};

/// What a walk of a task's coroutine chain from another thread found.
enum class walk_result { suspended, running, not_started, ended };

/// Walks the async stack of `t` from any thread while its workers keep running: only while
/// the task is suspended (between polls, no thread attached to its leaf frame, no poll
/// begun or ended during the walk), retried a few times; `running` when it kept running.
/// Reads frames only through `memory` (one per dump), so that none can fault. Writes the
/// chain, leaf first, to `chain` (resized to what was walked); `*cut` says the walk stopped
/// before the task's own coroutine (empty `chain.pcs`: not known). No lock, no allocation
/// but `chain`'s; the task's own threads pay nothing for it.
walk_result walk_task(const task_record& t, walked_chain& chain, const foreign_memory& memory,
                      bool* cut = nullptr);

/// The coroutines of `chain` as frames, each at the line it waits on when the debug info
/// tells (else the function's own line): Asio's own coroutines (the initiation every
/// operation awaits) and coroscope's spawn wrapper left out. Takes the process's
/// symbolizer: off the collector's lock when many are symbolized.
std::vector<async_frame> symbolize_async_stack(const walked_chain& chain);

/// `symbolize_async_stack` over every walked task at once (`task.async_stack` set), each
/// coroutine looked up and shortened once: many tasks wait in the same few coroutines.
void symbolize_async_stacks(std::vector<walked_task>& tasks);

/// "read_request (server.cpp:41) <- handle_session (server.cpp:58)": a stack on one line.
std::string one_line(const std::vector<async_frame>& stack);

}  // namespace coroscope::detail
