// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/heap_profile.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

/// Leak suspects ranked over successive heap profiles, and their text report.
namespace coroscope {

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
