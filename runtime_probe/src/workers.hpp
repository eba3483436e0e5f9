// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "coroscope/detail/thread_state.hpp"

namespace coroscope::detail {

/// A probe's workers: every thread that has run its io_context, in the order they were
/// first seen. Slots are appended (lock-free for readers) and handed back to the
/// process-wide slot pool when the probe goes.
class worker_table {
 public:
  worker_table() = default;
  ~worker_table();
  worker_table(const worker_table&) = delete;
  worker_table& operator=(const worker_table&) = delete;

  /// The slot of probe `probe` for thread `tid`: the one it had, or a new one (nullptr when
  /// kMaxWorkers are taken).
  worker_slot* slot_for(std::uint16_t probe, int tid) noexcept;
  unsigned size() const noexcept {
    return std::min(count_.load(std::memory_order_acquire), kMaxWorkers);
  }
  /// Slot `i` (< size()); nullptr while it is being filled in.
  const worker_slot* at(unsigned i) const noexcept {
    return slots_[i].load(std::memory_order_acquire);
  }

 private:
  std::array<std::atomic<worker_slot*>, kMaxWorkers> slots_{};
  std::atomic<unsigned> count_{0};
};

/// Makes the calling thread a worker of the probe `probe` (whose table is `table`): takes
/// a slot, records its start (CPU clock, tid) and registers it with the CPU sampler.
/// Returns false when it is one already or no slot is left.
bool become_worker(worker_table& table, std::uint16_t probe) noexcept;
/// `refresh_worker` without ending the coarse clock's doze: for a thread about to park,
/// which reads no stamp until it unparks (and a worker's unpark ends the doze).
void find_worker() noexcept;
/// The name (comm) slot `s`'s thread had when it became a worker; empty when unknown.
std::string worker_thread_name(const worker_slot& s);
/// Records the calling worker's stop and makes it an ordinary thread again.
void stop_being_worker() noexcept;

}  // namespace coroscope::detail
