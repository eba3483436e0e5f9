// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "probe_registry.hpp"

#include <array>
#include <atomic>
#include <mutex>

#include <boost/asio/detail/call_stack.hpp>
#include <boost/asio/detail/thread_context.hpp>

namespace coroscope::detail::probe_registry {
namespace {

struct slot {
  std::atomic<const void*> context{nullptr};
  std::atomic<const void*> run_key{nullptr};
  std::atomic<worker_table*> workers{nullptr};
  std::atomic<std::uint16_t> id{0};
};

struct table {
  std::array<slot, kMaxProbes> slots;
  std::mutex mutex;
  std::uint16_t next_id = 1;
  std::atomic<std::uint32_t> epoch{1};
};

table& the_table() {
  static table* t = new table;  // leaked: hooks may run during static destruction
  return *t;
}

entry read(const slot& s) noexcept {
  entry e;
  e.workers = s.workers.load(std::memory_order_acquire);
  e.id = e.workers ? s.id.load(std::memory_order_relaxed) : 0;
  return e;
}

}  // namespace

std::uint16_t add(const void* context, const void* run_key, worker_table* workers) noexcept {
  table& t = the_table();
  std::lock_guard lock(t.mutex);
  for (slot& s : t.slots) {
    if (s.workers.load(std::memory_order_relaxed) != nullptr) continue;
    const std::uint16_t id = t.next_id++;
    if (t.next_id == 0) t.next_id = 1;  // ids wrap after 65535 probes
    s.id.store(id, std::memory_order_relaxed);
    s.context.store(context, std::memory_order_relaxed);
    s.run_key.store(run_key, std::memory_order_relaxed);
    s.workers.store(workers, std::memory_order_release);
    t.epoch.fetch_add(1, std::memory_order_relaxed);
    return id;
  }
  return 0;
}

void remove(std::uint16_t id) noexcept {
  table& t = the_table();
  std::lock_guard lock(t.mutex);
  for (slot& s : t.slots) {
    if (s.workers.load(std::memory_order_relaxed) == nullptr ||
        s.id.load(std::memory_order_relaxed) != id)
      continue;
    s.workers.store(nullptr, std::memory_order_release);
    s.context.store(nullptr, std::memory_order_relaxed);
    s.run_key.store(nullptr, std::memory_order_relaxed);
  }
}

entry for_context(const void* context) noexcept {
  for (const slot& s : the_table().slots)
    if (s.context.load(std::memory_order_relaxed) == context) {
      entry e = read(s);
      if (e.workers && s.context.load(std::memory_order_relaxed) == context) return e;
    }
  return {};
}

entry for_this_thread() noexcept {
  using boost::asio::detail::thread_context;
  using boost::asio::detail::thread_info_base;
  using run_stack = boost::asio::detail::call_stack<thread_context, thread_info_base>;
  for (const slot& s : the_table().slots) {
    const void* key = s.run_key.load(std::memory_order_relaxed);
    if (key && run_stack::contains(static_cast<thread_context*>(const_cast<void*>(key))))
      return read(s);
  }
  return {};
}

std::uint32_t epoch() noexcept { return the_table().epoch.load(std::memory_order_relaxed); }

}  // namespace coroscope::detail::probe_registry
