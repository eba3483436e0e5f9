// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "coroscope/snapshot.hpp"
#include "coroscope/task_dump.hpp"  // async_frame, awaited_site

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
  /// The probe answers TimelineRequest (older probes close a connection that sends one).
  bool serves_timeline = false;
  /// The probe answers TraceRequest (writes a trace file on request).
  bool serves_trace = false;
};

/// A trace file the probe wrote at a console's request (the console's "Write trace").
struct trace_written {
  std::string path;  ///< on the probe's host; empty when none was written
  std::uint64_t bytes = 0;
  std::string error;  ///< why none was written
};

/// What a console gets when it asks about one task.
struct task_details {
  task_info task;                       ///< includes the poll/scheduled histograms
  std::vector<async_frame> async_stack;  ///< leaf first; empty when not known
  /// The walk stopped before the task's own coroutine (a frame could not be read, or the
  /// chain was deeper than the walk goes): `async_stack` is the part walked.
  bool async_stack_cut = false;
  /// The `TIMED_AWAIT` a suspended task waits in, and for how long; empty when it waits in
  /// none (or runs).
  std::optional<awaited_site> awaiting;
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

/// One frame of an allocation stack.
struct heap_frame {
  std::string function;  ///< function name, or module+0xaddress when unknown
  std::string file;      ///< empty when unknown
  std::uint32_t line = 0;
  bool operator==(const heap_frame&) const = default;
};

/// A live allocation site (stack + task name). Values are estimates scaled by the sampling
/// weights (exact when every allocation is sampled).
struct heap_site_info {
  std::vector<heap_frame> stack;  ///< leaf first (the caller of malloc / operator new)
  std::string task;               ///< task name; empty outside tasks
  std::uint64_t inuse_bytes = 0;
  std::uint64_t inuse_objects = 0;
  std::uint64_t alloc_bytes = 0;  ///< since heap sampling started, live or freed
  std::uint64_t alloc_objects = 0;
  bool operator==(const heap_site_info&) const = default;
};

/// Why a site is a leak suspect (the heap library's `leak_reason` bits).
enum heap_leak_kind : unsigned {
  heap_leak_growing = 1u << 0,        ///< in-use bytes keep growing across snapshots
  heap_leak_old = 1u << 1,            ///< holds live allocations older than the threshold
  heap_leak_outlived_task = 1u << 2,  ///< holds allocations of a completed task
};

/// A leak suspect as the console shows it.
struct heap_leak_suspect_info {
  unsigned kinds = 0;             ///< `heap_leak_kind` bits
  std::vector<heap_frame> stack;  ///< leaf first
  std::string task;               ///< task name; empty outside tasks
  std::string spawn_site;         ///< outlived task: where it was spawned
  std::uint64_t inuse_bytes = 0;
  std::uint64_t inuse_objects = 0;
  std::int64_t growth_bytes = 0;  ///< in-use bytes now minus at the first snapshot
  std::chrono::nanoseconds oldest_age{0};
  std::string message;            ///< one line, for humans
  bool operator==(const heap_leak_suspect_info&) const = default;
};

/// The heap as the probe's heap sampler sees it at one moment: the top live sites and the
/// leak suspects. Bounded (see `kMaxSites` and friends).
struct heap_view {
  static constexpr std::size_t kMaxSites = 50;
  static constexpr std::size_t kMaxSuspects = 20;
  static constexpr std::size_t kMaxFrames = 64;

  std::chrono::system_clock::time_point time{};
  std::uint64_t sample_interval_bytes = 0;  ///< 1 = every allocation
  std::uint64_t inuse_bytes = 0;            ///< estimated live heap bytes, every site
  std::uint64_t inuse_objects = 0;
  std::uint64_t process_rss_bytes = 0;      ///< 0: unknown
  std::uint64_t total_sites = 0;            ///< live sites before the top-N cut
  std::vector<heap_site_info> sites;        ///< by in-use bytes, descending
  std::vector<heap_leak_suspect_info> leak_suspects;  ///< most suspect first
  bool operator==(const heap_view&) const = default;
};

}  // namespace coroscope
