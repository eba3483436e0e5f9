// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The aggregator's memory, for snapshot::self. Estimated from the containers' sizes:
// counting allocations would put a hook on every allocation of the collector. Each node
// of a node-based container is counted as its value plus two pointers (links, or the
// hash-chain link and cached hash), each hash table's bucket array as one pointer per
// bucket, and each string's heap buffer when it is past the small-string buffer.
#include <string>

#include "aggregator.hpp"

namespace coroscope::detail {
namespace {

constexpr std::uint64_t kNodeOverhead = 2 * sizeof(void*);

std::uint64_t heap_of(const std::string& s) {
  return s.capacity() > std::string().capacity() ? s.capacity() + 1 : 0;
}

template <typename Map>
std::uint64_t hash_table_bytes(const Map& m) {
  return m.size() * (sizeof(typename Map::value_type) + kNodeOverhead) +
         m.bucket_count() * sizeof(void*);
}

template <typename Deque>
std::uint64_t deque_bytes(const Deque& d) {
  return d.size() * sizeof(typename Deque::value_type);
}

}  // namespace

std::uint64_t aggregator::table_bytes() const {
  std::uint64_t bytes = hash_table_bytes(tasks_);
  for (const auto& [id, t] : tasks_)
    bytes += heap_of(t.name) + heap_of(t.location.file) + heap_of(t.location.function) +
             heap_of(t.trace_id) + heap_of(t.span_id);
  bytes += deque_bytes(completed_order_) + deque_bytes(ended_sides_) +
           deque_bytes(ended_unknown_);
  bytes += workers_.capacity() * sizeof(worker_stats);
  bytes += hash_table_bytes(sites_);
  for (const auto& [site, st] : sites_) bytes += heap_of(st.name) + heap_of(st.file);
  bytes += hash_table_bytes(resources_);
  for (const auto& [object, r] : resources_) bytes += heap_of(r.last_task_name);
  bytes += started_ops_.capacity() * sizeof(started_op);
  for (const auto& [key, w] : warnings_)
    bytes += sizeof(std::pair<const warning_key, warning_info>) + 4 * sizeof(void*) +
             heap_of(key.lint) + heap_of(w.lint) + heap_of(w.task_name) + heap_of(w.message) +
             heap_of(w.trace_id) + heap_of(w.span_id);
  return bytes;
}

}  // namespace coroscope::detail
