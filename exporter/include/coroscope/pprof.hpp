// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/profile.hpp>

#include <string>
#include <string_view>

/// pprof (`perftools.profiles.Profile`, gzipped) export and import. Readable by
/// `go tool pprof`, Pyroscope and speedscope. None of these run on a worker thread.
namespace coroscope {

/// Encodes `profile` as a gzipped `perftools.profiles.Profile`.
///
/// Sample types are `samples/count` and `cpu/nanoseconds`, the period type is
/// `cpu/nanoseconds`. Strings, functions (by name and file), locations and mappings (one
/// per module, with its build id) are deduplicated; frames without an address get no
/// mapping. Every sample label becomes a string label, so `go tool pprof -tags` can
/// slice by `task`, `task_id`, `worker`, `trace_id` and `span_id`. Task frames are
/// marked through their function's system name and survive `decode_pprof`. Samples with
/// equal stacks and labels become one pprof sample with summed values (pprof has no
/// per-sample timestamps, so nothing is lost).
std::string encode_pprof(const cpu_profile& profile);

/// Writes `encode_pprof(profile)` to `path` atomically: to `path + ".tmp"`, then renamed.
/// Throws `std::runtime_error` naming the path and the system error when it cannot.
void write_pprof(const cpu_profile& profile, const std::string& path);

/// Decodes a pprof profile, gzipped or raw (gzip is recognised by its magic bytes), into
/// the model: stacks leaf first, with inlined frames expanded. The count is the
/// `samples/count` value (or the first value when there is none), the CPU time the
/// `cpu/nanoseconds` value (or 0). Numeric labels become decimal strings.
/// Throws `std::runtime_error("not a pprof profile: ...")` on empty, corrupt or
/// inconsistent input, and `std::runtime_error("pprof profile refused: ...")`, naming the
/// limit, on input that would take memory out of proportion to its size: gzip may inflate
/// to 64 times the input (at least 1 MiB, at most 256 MiB; measured before it is kept),
/// and the decoded model may take 4096 times the input (at least 64 MiB, at most 4 GiB).
cpu_profile decode_pprof(std::string_view gzipped_or_raw);

}  // namespace coroscope
