// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Small builders of console states for the viewer tests.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "coroscope/console_state.hpp"

namespace coroscope::viewer::test {

using namespace std::chrono_literals;

/// A task; busy and total in milliseconds.
task_info makeTask(std::uint64_t id, std::uint64_t parent, std::string name, task_state state,
                   std::uint64_t polls = 1, int busyMs = 1, int totalMs = 10,
                   std::string file = "service.cpp", std::uint32_t line = 10);

/// A state at `seconds` after a fixed epoch, for instance "abc", holding `tasks`.
console_state makeState(std::uint64_t sequence, int seconds, std::vector<task_info> tasks,
                        std::string instance = "abc");

/// A small session: accept-loop (1, idle) and its children session (2, running) and
/// slow-handler (3, idle), a warning on each child, and CPU samples of both (7 and 3).
console_state warnedSession();

/// `n` tasks with varied names, states, locations and numbers (deterministic).
std::vector<task_info> manyTasks(std::size_t n);

}  // namespace coroscope::viewer::test
