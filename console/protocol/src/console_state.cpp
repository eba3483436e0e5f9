// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/console_state.hpp"

#include <algorithm>

#include "coroscope/console/proto_conversions.hpp"
#include "coroscope/console/timeline_conversions.hpp"

namespace coroscope {

using namespace console::detail;

namespace {

/// Merges the "(no task)" bucket, the operation kinds, the resources and the self cost of
/// `u` (a full state or a delta) into `state`, within its bounds.
void merge_operations(const pb::Update& u, console_state& state) {
  state.no_task = {u.no_task().polls(), std::chrono::nanoseconds(u.no_task().busy_nanos())};
  state.self = from_proto(u.self_cost());
  state.operation_kinds.clear();
  for (const auto& k : u.operation_kinds()) {
    if (state.operation_kinds.size() == console_state::kMaxOperationKinds) break;
    state.operation_kinds.push_back(from_proto(k));
  }
  for (const auto id : u.removed_resource_ids()) state.resources.erase(id);
  for (const auto& r : u.resources()) {
    const auto it = state.resources.find(r.id());
    if (it != state.resources.end())
      it->second = from_proto(r);
    else if (state.resources.size() < console_state::kMaxResources)
      state.resources.emplace(r.id(), from_proto(r));
  }
}

}  // namespace

console_state_builder::result console_state_builder::apply(std::string_view payload) {
  result r;
  pb::ServerMessage m;
  if (!m.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    r.message = "malformed message from the probe";
    return r;
  }
  switch (m.kind_case()) {
    case pb::ServerMessage::kHello:
      reset();
      state_.identity = from_proto(m.hello());
      r.kind = result::hello;
      return r;
    case pb::ServerMessage::kTaskDetails:
      r.kind = result::task_details;
      r.details = from_proto(m.task_details());
      return r;
    case pb::ServerMessage::kTimeline: {
      r.kind = result::timeline;
      if (!m.timeline().recording()) {
        window_.reset();
        return r;
      }
      auto t = std::make_shared<coroscope::timeline>();
      if (!from_proto(m.timeline(), *t, r.message)) {
        r.kind = result::malformed;
        r.message = "malformed timeline from the probe: " + r.message;
        return r;
      }
      // A copy: the previous window may still be drawn.
      if (t->partial && window_) t = std::make_shared<coroscope::timeline>(add_partial(*window_, std::move(*t)));
      window_ = t;
      r.window = std::move(t);
      return r;
    }
    case pb::ServerMessage::kTraceWritten:
      r.kind = result::trace_written;
      r.trace = coroscope::trace_written{m.trace_written().path(), m.trace_written().bytes(),
                                         m.trace_written().error()};
      return r;
    case pb::ServerMessage::kError:
      r.kind = result::error;
      r.error_code = m.error().code();
      r.message = m.error().message();
      return r;
    case pb::ServerMessage::kUpdate: break;
    case pb::ServerMessage::KIND_NOT_SET: r.message = "message without a known kind"; return r;
  }

  const pb::Update& u = m.update();
  if (u.full_state()) {
    console_state fresh;
    fresh.identity = std::move(state_.identity);
    state_ = std::move(fresh);
  } else if (!synced_ || u.sequence() != state_.sequence + 1) {
    r.kind = result::out_of_sync;
    r.message = synced_ ? "update " + std::to_string(u.sequence()) + " after " +
                              std::to_string(state_.sequence)
                        : "delta update before a full state";
    return r;
  }
  state_.full = u.full_state();
  state_.added.clear();
  state_.changed.clear();
  state_.removed.clear();
  for (const auto& t : u.new_tasks()) {
    state_.tasks.insert_or_assign(t.id(), from_proto(t));
    state_.added.push_back(t.id());
  }
  for (const auto& s : u.changed_tasks()) {
    const auto it = state_.tasks.find(s.id());
    if (it == state_.tasks.end()) continue;  // a delta never changes an unknown task
    apply_stats(s, it->second);
    state_.changed.push_back(s.id());
  }
  for (const auto id : u.removed_task_ids())
    if (state_.tasks.erase(id) > 0) state_.removed.push_back(id);
  // One update may add (or change) and remove the same task: only live ids are listed.
  std::erase_if(state_.added, [&](std::uint64_t id) { return !state_.tasks.contains(id); });
  std::erase_if(state_.changed, [&](std::uint64_t id) { return !state_.tasks.contains(id); });

  state_.workers.clear();
  for (const auto& w : u.workers()) state_.workers.push_back(from_proto(w));
  for (const auto& a : u.await_sites()) {
    auto site = from_proto(a);
    const auto it = std::find_if(state_.await_sites.begin(), state_.await_sites.end(),
                                 [&](const await_site_info& s) {
                                   return s.name == site.name && s.file == site.file && s.line == site.line;
                                 });
    if (it == state_.await_sites.end())
      state_.await_sites.push_back(std::move(site));
    else
      *it = std::move(site);
  }
  if (u.warnings_changed()) {
    state_.warnings.clear();
    for (const auto& w : u.warnings()) state_.warnings.push_back(from_proto(w));
  }
  const auto& c = u.counts();
  state_.counts = {c.tasks_spawned(),    c.tasks_completed(),  c.live_tasks(),
                   c.dropped_events(),   c.untracked_spawns(), c.dropped_warnings(),
                   c.dropped_cpu_samples(), c.dropped_resources()};
  merge_operations(u, state_);
  state_.cpu_samples = cpu_samples_from_proto(u);
  state_.heap_changed = u.heap_changed();
  if (u.heap_changed()) state_.heap = heap_from_proto(u);
  state_.sequence = u.sequence();
  state_.time = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(u.time_unix_nano())));
  state_.uptime = std::chrono::nanoseconds(u.uptime_nanos());
  synced_ = true;
  r.kind = result::update;
  return r;
}

}  // namespace coroscope
