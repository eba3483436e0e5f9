// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <string_view>

/// What the heap pprof writer (heap_pprof_writer.cpp) and reader (heap_pprof_reader.cpp)
/// agree on beyond pprof's schema.
namespace coroscope::detail::heap_pprof {

/// Go's heap-profile sample types, in the order written: {type, unit}.
inline constexpr const char* kSampleTypes[4][2] = {
    {"alloc_objects", "count"}, {"alloc_space", "bytes"}, {"inuse_objects", "count"}, {"inuse_space", "bytes"}};
/// Numeric label: nanoseconds between the oldest live allocation of a sample and the profile.
inline constexpr std::string_view kAgeLabel = "oldest_age";
/// A task frame keeps its kind through a system name with this prefix (as the CPU encoder).
inline constexpr std::string_view kTaskPrefix = "coroscope.task:";

}  // namespace coroscope::detail::heap_pprof
