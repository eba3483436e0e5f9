// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/heap_profile.hpp>

#include <string>
#include <string_view>

/// Heap profiles as Go writes them: pprof with four sample types.
namespace coroscope {

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

}  // namespace coroscope
