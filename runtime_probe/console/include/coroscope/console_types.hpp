// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "coroscope/snapshot.hpp"

namespace coroscope {

/// Who is being profiled: what a console shows to tell processes and probes apart.
struct console_identity {
  std::string service_name;
  std::uint32_t pid = 0;
  std::string host;
  std::chrono::system_clock::time_point process_start{};
  std::uint32_t probe_id = 0;
  std::string instance_id;  ///< random per console server
  std::uint32_t protocol_version = 0;
  std::chrono::nanoseconds publish_interval{0};
  std::string server_version;
};

/// One frame of a task's async (logical) stack.
struct async_frame {
  std::string function;
  std::string file;
  std::uint32_t line = 0;
};

/// What a console gets when it asks about one task.
struct task_details {
  task_info task;                       ///< includes the poll/scheduled histograms
  std::vector<async_frame> async_stack;  ///< leaf first; empty when not known
  std::vector<warning_info> warnings;    ///< this task's lint instances
  std::vector<await_site_info> await_sites;
};

/// CPU samples of one distinct (stack, task), aggregated over one publish interval.
struct cpu_stack_sample {
  std::vector<std::string> frames;  ///< root first
  std::vector<bool> is_task_frame;  ///< parallel to `frames`; may be empty
  std::uint64_t count = 0;
  std::uint64_t task_id = 0;  ///< 0: not inside a task
};

}  // namespace coroscope
