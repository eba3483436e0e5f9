// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <string>

/// Writing the heap sampler's profile to a file (`coroscope::heap_file`): the sampler
/// (`coroscope::heap_core`) joined to the heap pprof encoder (`coroscope::exporter`).
/// `coroscope::heap` and libcoroscope_heap.so include it.
namespace coroscope::heap {

/// Writes `profile()` as a gzipped heap pprof file to `path`. Returns false and prints one
/// line to stderr when it cannot.
bool write_profile(const std::string& path);

/// Writes the profile to COROSCOPE_HEAP_PROFILE when it is set (`%p` becomes the process
/// id); the probe's heap service and the preload library call this when they end. Returns
/// false when unset or the write failed.
bool write_profile_from_environment();

}  // namespace coroscope::heap
