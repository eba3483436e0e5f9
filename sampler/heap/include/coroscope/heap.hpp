// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/heap_profile.hpp>
#include <coroscope/sampler.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// The heap sampler. Linking coroscope::heap (or LD_PRELOADing libcoroscope_heap.so)
/// routes every malloc-family call and operator new/delete through it; while started, it
/// samples allocations with Poisson sampling (a per-thread byte countdown drawn from an
/// exponential distribution with mean `sample_interval_bytes`) and records each sampled
/// allocation (stack, size, weight, time, task and trace via the context hook) in a bounded
/// lock-free table keyed by address, until it is freed.
///
/// Threads: the allocation path takes no lock and never allocates; the control and
/// consumer functions below may be called from any thread (they serialize on an internal
/// mutex the allocation path never takes). Allocations made by the consumer functions
/// themselves are not sampled.
///
/// Like the CPU sampler, the heap sampler is process-wide.
namespace coroscope::heap {

/// Settings, read by `start`.
struct heap_options {
  /// Mean bytes between samples (COROSCOPE_HEAP_SAMPLE_BYTES); 1 = every allocation.
  std::uint64_t sample_interval_bytes = 512 * 1024;
  /// Live sampled allocations tracked at most (rounded up to a power of two); beyond it a
  /// sample is dropped and counted.
  std::size_t max_live_allocations = 16384;
  /// Distinct allocation sites (stack + task name) at most; beyond it allocations are
  /// counted under one `[site table full]` site.
  std::size_t max_sites = 4096;
};

/// True when this program's allocations reach the sampler: its allocator entry points are
/// coroscope's (the program links `coroscope::heap`, or this is libcoroscope_heap.so).
/// With `coroscope::heap_core` alone, sampling starts but sees no allocation.
bool interposed() noexcept;

/// `base` with COROSCOPE_HEAP_SAMPLE_BYTES applied. A bad value (not a positive integer)
/// prints one line naming the variable to stderr and keeps `base`'s value.
heap_options options_from_environment(heap_options base = {});

/// Starts sampling with fresh tables (the previous profile is gone). The calling thread
/// starts its countdown at once; other threads pick the new interval up within 64 KiB of
/// allocation or at their next sample. Throws std::invalid_argument for a zero interval or
/// table size. Each start retires the previous tables without unmapping them (a racing
/// free may still look into them): their memory stays reserved.
void start(const heap_options& options = {});
/// Stops taking new samples. Frees of sampled allocations are still tracked, so a later
/// `profile()` shows what is still live.
void stop();
/// True between `start` and `stop`.
bool running() noexcept;

/// Leaves the calling thread's allocations out of sampling (`excluded` = true) or takes
/// them in again; returns the previous setting. For a profiler's own threads (e.g. the
/// console server's), whose memory is not the program's. Frees are tracked either way.
bool exclude_current_thread(bool excluded) noexcept;

/// The hook that fills task, worker and trace of a sampled allocation, called on the
/// allocating thread; the CPU sampler's hook fits (it is async-signal-safe, which is more
/// than needed here: it must not allocate). nullptr for none.
void set_context_hook(sampling::context_hook hook) noexcept;

/// Tells the sampler that task `task_id` has completed: its live allocations are from now
/// on reported as outliving it (labels `task_state=completed`, `spawn_site`). Takes a
/// lock: call it from the probe's collector, not from a worker's hot path. The most recent
/// 65536 completed tasks are remembered.
void note_task_completed(std::uint64_t task_id, std::string_view spawn_site);

/// Counters since the last `start`.
struct heap_stats {
  std::uint64_t sampled = 0;             ///< allocations sampled
  std::uint64_t freed_sampled = 0;       ///< sampled allocations freed since
  std::uint64_t dropped_table_full = 0;  ///< samples not tracked: live table full
  std::uint64_t site_table_full = 0;     ///< samples put under `[site table full]`
  std::uint64_t sample_interval_bytes = 0;
  std::size_t live_capacity = 0;
  std::size_t site_capacity = 0;
};
heap_stats stats();

/// The current heap profile, symbolized: one sample per site with the allocations made
/// since `start` (alloc_*), and one per site and task/worker/trace with the live ones
/// (inuse_*). Empty before the first `start`.
heap_profile profile();

/// Memory at one moment.
struct memory_point {
  std::uint64_t time_ns = 0;          ///< Unix ns
  std::int64_t inuse_space = 0;       ///< estimated live heap bytes (sampled)
  std::int64_t inuse_objects = 0;     ///< estimated live allocations (sampled)
  std::int64_t rss_bytes = 0;         ///< resident set size (/proc/self/statm); -1 unknown
  std::map<std::string, std::int64_t> inuse_space_by_task;  ///< by task name, where sampled
};

/// Takes a memory point now and appends it to the history (the last 1024 are kept).
memory_point record_memory_point();
/// The recorded memory points, oldest first.
std::vector<memory_point> memory_history();

/// Resident set size of this process in bytes, from /proc/self/statm; nullopt if unreadable.
std::optional<std::int64_t> resident_set_bytes();

}  // namespace coroscope::heap
