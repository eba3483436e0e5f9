// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/profile.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

/// The heap-profile model, its pprof encoding and the leak analysis. Plain data: the heap
/// sampler (coroscope/heap.hpp) fills it, `encode_heap_pprof` writes Go-style heap
/// profiles, `decode_heap_pprof` reads them back, `leak_report` ranks leak suspects over
/// successive profiles. Compiled into coroscope::exporter: nothing here interposes malloc.
namespace coroscope {

/// One allocation site (a stack and its labels) with Go's four heap-profile values.
/// Values are estimates scaled by the sampling weights (exact when every allocation is
/// sampled).
struct heap_sample {
  /// The allocating stack, leaf first (the caller of malloc / operator new at index 0).
  std::vector<frame> stack;
  /// `task`, `task_id`, `worker`, `trace_id` (32 hex), `span_id` (16 hex) when known;
  /// `task_state` = `completed` and `spawn_site` for allocations that outlived their task.
  std::map<std::string, std::string> labels;
  std::int64_t alloc_objects = 0;  ///< allocations made (live or freed)
  std::int64_t alloc_space = 0;    ///< bytes allocated (live or freed)
  std::int64_t inuse_objects = 0;  ///< allocations still live
  std::int64_t inuse_space = 0;    ///< bytes still live
  /// When the oldest live allocation of this sample was made (Unix ns); 0 when none is
  /// live. Carried in pprof as the numeric label `oldest_age` (nanoseconds before the
  /// profile's time).
  std::uint64_t oldest_alloc_ns = 0;
};

/// A heap profile: the sampled allocation sites at one moment.
struct heap_profile {
  std::vector<heap_sample> samples;
  /// Mean sampling interval in bytes (pprof's period, type space/bytes); 1 = every
  /// allocation.
  std::int64_t sample_interval = 0;
  /// When the profile was taken (Unix ns).
  std::uint64_t time_ns = 0;
  /// Time since sampling started, in nanoseconds.
  std::uint64_t duration_ns = 0;
};

/// Encodes `profile` as a gzipped `perftools.profiles.Profile` with sample types
/// `alloc_objects/count`, `alloc_space/bytes`, `inuse_objects/count`, `inuse_space/bytes`
/// (Go's heap profile, so `go tool pprof -sample_index=inuse_space` works), period type
/// `space/bytes` and period `sample_interval`. Every label becomes a string label.
std::string encode_heap_pprof(const heap_profile& profile);

/// Writes `encode_heap_pprof(profile)` to `path` atomically (`path + ".tmp"`, renamed).
/// Throws `std::runtime_error` naming the path and the system error when it cannot.
void write_heap_pprof(const heap_profile& profile, const std::string& path);

/// Decodes a heap profile written by `encode_heap_pprof` (or Go's heap profiles: the four
/// sample types are found by name), gzipped or raw. Throws
/// `std::runtime_error("not a heap profile: ...")` on corrupt input or missing sample types,
/// and `std::runtime_error("heap profile refused: ...")`, naming the limit, on input that
/// would take memory out of proportion to its size (the limits of `decode_pprof`).
heap_profile decode_heap_pprof(std::string_view gzipped_or_raw);

/// Why a site is a leak suspect (bit flags).
enum leak_reason : unsigned {
  /// Its in-use bytes grew across the snapshots.
  leak_growing = 1u << 0,
  /// It holds live allocations older than `leak_options::age_threshold`.
  leak_old = 1u << 1,
  /// It holds allocations whose task has completed (grouped by the task's spawn site).
  leak_outlived_task = 1u << 2,
};

/// Settings of `leak_report`.
struct leak_options {
  /// A live allocation older than this (at the last snapshot) makes its site suspect.
  std::chrono::nanoseconds age_threshold = std::chrono::minutes(5);
  /// A site is growing when its in-use bytes at the last snapshot exceed the first, and at
  /// least this fraction of the steps between snapshots do not decrease.
  double growing_steps_fraction = 0.75;
  /// At most this many suspects (0: all).
  std::size_t limit = 20;
};

/// One leak suspect: a site (stack + task, plus the spawn site for outlived tasks).
struct leak_suspect {
  std::vector<frame> stack;  ///< leaf first
  std::string task;          ///< task name label; empty outside tasks
  std::string spawn_site;    ///< spawn site of the completed task (outlived allocations)
  unsigned reasons = 0;      ///< `leak_reason` bits
  std::int64_t inuse_space = 0;    ///< at the last snapshot
  std::int64_t inuse_objects = 0;  ///< at the last snapshot
  /// In-use bytes at the last snapshot minus the first (0 with one snapshot).
  std::int64_t growth_space = 0;
  /// In-use bytes per snapshot, in the order given.
  std::vector<std::int64_t> inuse_space_series;
  /// Age of the oldest live allocation at the last snapshot.
  std::chrono::nanoseconds oldest_age{0};
  /// The bytes that make it suspect: the largest of its growth, its in-use bytes when old,
  /// its in-use bytes when its task is gone. Suspects are ranked by this, descending.
  std::int64_t score = 0;
};

/// Ranks leak suspects over `snapshots` (oldest first; e.g. successive heap profiles of one
/// process). Sites with no reason are left out.
std::vector<leak_suspect> leak_report(std::span<const heap_profile> snapshots,
                                      const leak_options& options = {});

/// Human-readable report: one paragraph per suspect with its reasons, sizes and at most
/// `max_frames` frames of its stack; "no leak suspects" when empty.
std::string format_leak_report(std::span<const leak_suspect> suspects, std::size_t max_frames = 12);

/// A key that is equal for two stacks exactly when their frames are (function, file, line,
/// module, address): how `leak_report` tells sites apart.
std::string heap_stack_key(const std::vector<frame>& stack);

}  // namespace coroscope
