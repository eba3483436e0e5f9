// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>

namespace coroscope::detail {

class worker_table;

/// The live probes, for the hooks' slow paths: which probe (if any) wraps the
/// io_context a new coroutine runs on, and which probe's io_context a thread is running.
/// Lookups are lock-free scans of a small fixed table; registration takes a lock.
namespace probe_registry {

inline constexpr unsigned kMaxProbes = 64;

/// `context` is the io_context (as its execution_context), `run_key` the address Asio's
/// run loop puts on the thread's call stack for it (its scheduler). Returns the probe's id,
/// or 0 when kMaxProbes probes live already.
std::uint16_t add(const void* context, const void* run_key, worker_table* workers) noexcept;
void remove(std::uint16_t id) noexcept;

/// The probe wrapping `context` (its id and workers), or {0, nullptr}.
struct entry {
  std::uint16_t id = 0;
  worker_table* workers = nullptr;
};
entry for_context(const void* context) noexcept;
/// The probe whose io_context the calling thread is running (Asio's call stack), if any.
entry for_this_thread() noexcept;
/// Changes whenever a probe is added: a thread's "not a worker" conclusion is rechecked.
std::uint32_t epoch() noexcept;

}  // namespace probe_registry
}  // namespace coroscope::detail
