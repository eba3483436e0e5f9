// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/detail/thread_state.hpp"

#include "ring_registry.hpp"

namespace coroscope::detail {

COROSCOPE_CONSTINIT site_counts g_no_site_counts;
thread_local COROSCOPE_CONSTINIT thread_state t_state __attribute__((tls_model("initial-exec")));

namespace {

/// Hands the thread's ring back to the collector when the thread exits.
struct ring_owner {
  ring_entry* entry = nullptr;
  ~ring_owner() {
    t_state.ring = nullptr;
    t_state.sites = &g_no_site_counts;
    t_state.ring_closed = true;
    if (entry) entry->orphaned.store(true, std::memory_order_release);
  }
};

thread_local ring_owner t_ring_owner;

}  // namespace

event_ring* create_thread_ring() noexcept {
  if (t_state.ring_closed) return nullptr;
  ring_entry* entry = ring_registry::instance().add();
  if (!entry) return nullptr;
  t_ring_owner.entry = entry;
  t_state.sites = &entry->sites;
  t_state.ring = &entry->ring;
  return t_state.ring;
}

void count_lost_event() noexcept { ring_registry::instance().count_lost(); }

void flush_site_count(site_counts::entry& e, const void* site) noexcept {
  if (const void* old = e.site.load(std::memory_order_relaxed)) {
    const event flush = make_site_count_event(t_state.sites->probe.load(std::memory_order_relaxed),
                                              {old, e.count.load(std::memory_order_relaxed)});
    if (!emit_event(flush)) return;  // full ring: keep counting the old site here
  }
  e.site.store(nullptr, std::memory_order_release);
  e.count.store(1, std::memory_order_relaxed);
  e.site.store(site, std::memory_order_release);
}

site_counts* site_counts_for(std::uint16_t probe) noexcept {
  if (t_state.sites == &g_no_site_counts && !create_thread_ring()) return nullptr;
  site_counts& sites = *t_state.sites;
  for (site_counts::entry& e : sites.entries)
    if (e.site.load(std::memory_order_relaxed)) flush_site_count(e, nullptr);
  sites.probe.store(probe, std::memory_order_relaxed);
  return &sites;
}

}  // namespace coroscope::detail
