// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/detail/thread_state.hpp"

#include "collector.hpp"

namespace coroscope::detail {

thread_local thread_state t_state __attribute__((tls_model("initial-exec")));

namespace {

/// Hands the thread's ring back to the collector when the thread exits.
struct ring_owner {
  ring_entry* entry = nullptr;
  ~ring_owner() {
    t_state.ring = nullptr;
    t_state.ring_closed = true;
    if (entry) entry->orphaned.store(true, std::memory_order_release);
  }
};

thread_local ring_owner t_ring_owner;

}  // namespace

event_ring* create_thread_ring() noexcept {
  if (t_state.ring_closed) return nullptr;
  ring_entry* entry = collector::instance().register_ring();
  if (!entry) return nullptr;
  t_ring_owner.entry = entry;
  t_state.ring = &entry->ring;
  return t_state.ring;
}

void count_lost_event() noexcept { collector::instance().count_lost(); }

}  // namespace coroscope::detail
