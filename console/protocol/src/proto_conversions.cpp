// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/console/proto_conversions.hpp"

#include <algorithm>
#include <unordered_map>

#include "coroscope/console/change_predicates.hpp"
#include "coroscope/console/frame_codec.hpp"
#include "coroscope/console_state.hpp"

namespace coroscope::console::detail {
namespace {

std::uint64_t ns(nanoseconds d) { return d.count() > 0 ? static_cast<std::uint64_t>(d.count()) : 0; }
nanoseconds dur(std::uint64_t v) { return nanoseconds(static_cast<nanoseconds::rep>(v)); }

pb::TaskState to_proto(task_state s) {
  switch (s) {
    case task_state::running: return pb::TASK_STATE_RUNNING;
    case task_state::scheduled: return pb::TASK_STATE_SCHEDULED;
    case task_state::idle: return pb::TASK_STATE_IDLE;
    case task_state::completed: return pb::TASK_STATE_COMPLETED;
  }
  return pb::TASK_STATE_UNSPECIFIED;
}

task_state from_proto(pb::TaskState s) {
  switch (s) {
    case pb::TASK_STATE_RUNNING: return task_state::running;
    case pb::TASK_STATE_SCHEDULED: return task_state::scheduled;
    case pb::TASK_STATE_COMPLETED: return task_state::completed;
    default: return task_state::idle;
  }
}

// The percentiles duration_histogram knows, in the order of its fields.
constexpr double kQuantiles[] = {0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99};
nanoseconds duration_histogram::*const kPercentileFields[] = {
    &duration_histogram::p10, &duration_histogram::p25, &duration_histogram::p50,
    &duration_histogram::p75, &duration_histogram::p90, &duration_histogram::p95,
    &duration_histogram::p99};

}  // namespace

void to_proto(const duration_histogram& h, pb::Histogram* out) {
  out->set_count(h.count);
  out->set_min_nanos(ns(h.min));
  out->set_max_nanos(ns(h.max));
  for (std::size_t i = 0; i < std::size(kQuantiles); ++i) {
    auto* p = out->add_percentiles();
    p->set_quantile(kQuantiles[i]);
    p->set_value_nanos(ns(h.*kPercentileFields[i]));
  }
}

duration_histogram from_proto(const pb::Histogram& h) {
  duration_histogram out;
  out.count = h.count();
  out.min = dur(h.min_nanos());
  out.max = dur(h.max_nanos());
  for (const auto& p : h.percentiles())
    for (std::size_t i = 0; i < std::size(kQuantiles); ++i)
      if (std::abs(p.quantile() - kQuantiles[i]) < 1e-9) out.*kPercentileFields[i] = dur(p.value_nanos());
  return out;
}

void to_proto_stats(const task_info& t, pb::TaskStats* out) {
  out->set_id(t.id);
  out->set_state(to_proto(t.state));
  out->set_polls(t.polls);
  out->set_total_nanos(ns(t.total));
  out->set_busy_nanos(ns(t.busy));
  out->set_scheduled_nanos(ns(t.scheduled));
  out->set_idle_nanos(ns(t.idle));
  out->set_first_poll_delay_nanos(ns(t.first_poll_delay));
  out->set_slow_polls(t.slow_polls);
  out->set_wakes(t.wakes);
  out->set_self_wakes(t.self_wakes);
  out->set_migrations(t.migrations);
  out->set_failed(t.failed);
  out->set_trace_id(t.trace_id);
  out->set_span_id(t.span_id);
  out->set_poll_p50_nanos(ns(t.poll_times.p50));
  out->set_poll_p99_nanos(ns(t.poll_times.p99));
  for (const auto& op : t.operations) {
    auto* o = out->add_operations();
    o->set_kind(op.kind);
    o->set_count(op.count);
  }
}

void apply_stats(const pb::TaskStats& s, task_info& t) {
  t.state = from_proto(s.state());
  t.polls = s.polls();
  t.total = dur(s.total_nanos());
  t.busy = dur(s.busy_nanos());
  t.scheduled = dur(s.scheduled_nanos());
  t.idle = dur(s.idle_nanos());
  t.first_poll_delay = dur(s.first_poll_delay_nanos());
  t.slow_polls = s.slow_polls();
  t.wakes = s.wakes();
  t.self_wakes = s.self_wakes();
  t.migrations = s.migrations();
  t.failed = s.failed();
  t.trace_id = s.trace_id();
  t.span_id = s.span_id();
  t.poll_times.p50 = dur(s.poll_p50_nanos());
  t.poll_times.p99 = dur(s.poll_p99_nanos());
  // A peer may send more kinds than any probe has: keep a bound.
  t.operations.clear();
  for (const auto& op : s.operations()) {
    if (t.operations.size() == console_state::kMaxOperationKinds) break;
    t.operations.push_back({op.kind(), op.count()});
  }
}

void to_proto(const task_info& t, pb::Task* out) {
  out->set_id(t.id);
  out->set_parent_id(t.parent_id);
  out->set_name(t.name);
  auto* loc = out->mutable_spawn_location();
  loc->set_file(t.spawn_location.file);
  loc->set_line(t.spawn_location.line);
  loc->set_function(t.spawn_location.function);
  to_proto_stats(t, out->mutable_stats());
}

task_info from_proto(const pb::Task& t) {
  task_info out;
  out.id = t.id();
  out.parent_id = t.parent_id();
  out.name = t.name();
  out.spawn_location = {t.spawn_location().file(), t.spawn_location().line(),
                        t.spawn_location().function()};
  apply_stats(t.stats(), out);
  return out;
}

void to_proto(const worker_info& w, pb::Worker* out) {
  out->set_index(w.index);
  out->set_polls(w.polls);
  out->set_busy_nanos(ns(w.busy));
  out->set_elapsed_nanos(ns(w.elapsed));
  out->set_busy_ratio(w.busy_ratio);
  out->set_parks(w.parks);
  out->set_park_time_nanos(ns(w.park_time));
  out->set_noop_unparks(w.noop_unparks);
  out->set_steals(w.steals);
  out->set_remote_schedules(w.remote_schedules);
  out->set_migrations(w.migrations);
  out->set_running(w.running);
}

worker_info from_proto(const pb::Worker& w) {
  worker_info out;
  out.index = w.index();
  out.polls = w.polls();
  out.busy = dur(w.busy_nanos());
  out.elapsed = dur(w.elapsed_nanos());
  out.busy_ratio = w.busy_ratio();
  out.parks = w.parks();
  out.park_time = dur(w.park_time_nanos());
  out.noop_unparks = w.noop_unparks();
  out.steals = w.steals();
  out.remote_schedules = w.remote_schedules();
  out.migrations = w.migrations();
  out.running = w.running();
  return out;
}

void to_proto(const await_site_info& a, pb::AwaitSite* out) {
  out->set_name(a.name);
  out->set_file(a.file);
  out->set_line(a.line);
  out->set_count(a.count);
  out->set_slow_count(a.slow_count);
  out->set_total_nanos(ns(a.total));
  out->set_max_nanos(ns(a.max));
  to_proto(a.durations, out->mutable_durations());
}

await_site_info from_proto(const pb::AwaitSite& a) {
  await_site_info out;
  out.name = a.name();
  out.file = a.file();
  out.line = a.line();
  out.count = a.count();
  out.slow_count = a.slow_count();
  out.total = dur(a.total_nanos());
  out.max = dur(a.max_nanos());
  out.durations = from_proto(a.durations());
  return out;
}

void to_proto(const warning_info& w, pb::Warning* out) {
  out->set_lint(w.lint);
  out->set_task_id(w.task_id);
  out->set_task_name(w.task_name);
  out->set_message(w.message);
  out->set_occurrences(w.occurrences);
  out->set_trace_id(w.trace_id);
  out->set_span_id(w.span_id);
}

warning_info from_proto(const pb::Warning& w) {
  return {w.lint(), w.task_id(), w.task_name(), w.message(), w.occurrences(), w.trace_id(),
          w.span_id()};
}

void to_proto(const console_identity& id, pb::ServerHello* out) {
  out->set_protocol_version(id.protocol_version);
  out->set_service_name(id.service_name);
  out->set_pid(id.pid);
  out->set_host(id.host);
  out->set_process_start_unix_nano(static_cast<std::uint64_t>(
      std::chrono::duration_cast<nanoseconds>(id.process_start.time_since_epoch()).count()));
  out->set_probe_id(id.probe_id);
  out->set_instance_id(id.instance_id);
  out->set_publish_interval_nanos(ns(id.publish_interval));
  out->set_max_frame_size(static_cast<std::uint32_t>(kMaxFrameSize));
  out->set_server_version(id.server_version);
  out->set_serves_timeline(id.serves_timeline);
  out->set_serves_trace(id.serves_trace);
}

console_identity from_proto(const pb::ServerHello& h) {
  console_identity out;
  out.protocol_version = h.protocol_version();
  out.service_name = h.service_name();
  out.pid = h.pid();
  out.host = h.host();
  out.process_start = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          dur(h.process_start_unix_nano())));
  out.probe_id = h.probe_id();
  out.instance_id = h.instance_id();
  out.publish_interval = dur(h.publish_interval_nanos());
  out.server_version = h.server_version();
  out.serves_timeline = h.serves_timeline();
  out.serves_trace = h.serves_trace();
  return out;
}

void to_proto(const task_details& d, pb::TaskDetails* out) {
  out->set_task_id(d.task.id);
  to_proto(d.task, out->mutable_task());
  to_proto(d.task.poll_times, out->mutable_poll_times());
  to_proto(d.task.scheduled_times, out->mutable_scheduled_times());
  for (const auto& f : d.async_stack) {
    auto* frame = out->add_async_stack();
    frame->set_function(f.function);
    frame->set_file(f.file);
    frame->set_line(f.line);
  }
  out->set_async_stack_cut(d.async_stack_cut);
  if (d.awaiting) {
    auto* a = out->mutable_awaiting();
    a->set_name(d.awaiting->name);
    a->set_file(d.awaiting->file);
    a->set_line(d.awaiting->line);
    a->set_waited_nanos(ns(d.awaiting->waited));
  }
  out->set_trace_id(d.task.trace_id);
  out->set_span_id(d.task.span_id);
  for (const auto& w : d.warnings) to_proto(w, out->add_warnings());
  for (const auto& a : d.await_sites) to_proto(a, out->add_await_sites());
}

task_details from_proto(const pb::TaskDetails& d) {
  task_details out;
  out.task = from_proto(d.task());
  out.task.poll_times = from_proto(d.poll_times());
  out.task.scheduled_times = from_proto(d.scheduled_times());
  for (const auto& f : d.async_stack()) out.async_stack.push_back({f.function(), f.file(), f.line()});
  out.async_stack_cut = d.async_stack_cut();
  if (d.has_awaiting()) {
    const auto& a = d.awaiting();
    out.awaiting = awaited_site{a.name(), a.file(), a.line(), dur(a.waited_nanos())};
  }
  for (const auto& w : d.warnings()) out.warnings.push_back(from_proto(w));
  for (const auto& a : d.await_sites()) out.await_sites.push_back(from_proto(a));
  return out;
}

namespace {

/// Adds strings to an update's string table once each. Picks up the entries already there,
/// so the CPU samples and the heap share one table.
class string_interner {
 public:
  explicit string_interner(pb::Update* update) : update_(update) {
    if (update_->string_table_size() == 0) update_->add_string_table();  // entry 0 is ""
    for (int i = 0; i < update_->string_table_size(); ++i)
      index_.emplace(update_->string_table(i), static_cast<std::uint32_t>(i));
  }
  std::uint32_t operator()(const std::string& s) {
    const auto [it, added] = index_.emplace(s, static_cast<std::uint32_t>(update_->string_table_size()));
    if (added) update_->add_string_table(s);
    return it->second;
  }

 private:
  pb::Update* update_;
  std::unordered_map<std::string, std::uint32_t> index_;
};

std::string string_at(const pb::Update& u, std::uint32_t i) {
  return i < static_cast<std::uint32_t>(u.string_table_size()) ? u.string_table(static_cast<int>(i))
                                                                  : std::string("?");
}

void to_proto(const std::vector<heap_frame>& stack, string_interner& intern,
              google::protobuf::RepeatedPtrField<pb::HeapFrame>* out) {
  const std::size_t n = std::min(stack.size(), heap_view::kMaxFrames);
  for (std::size_t i = 0; i < n; ++i) {
    auto* f = out->Add();
    f->set_function(intern(stack[i].function));
    f->set_file(intern(stack[i].file));
    f->set_line(stack[i].line);
  }
}

std::vector<heap_frame> from_proto(const pb::Update& u,
                                   const google::protobuf::RepeatedPtrField<pb::HeapFrame>& frames) {
  std::vector<heap_frame> out;
  out.reserve(static_cast<std::size_t>(frames.size()));
  for (const auto& f : frames) out.push_back({string_at(u, f.function()), string_at(u, f.file()), f.line()});
  return out;
}

constexpr std::pair<heap_leak_kind, pb::LeakKind> kLeakKinds[] = {
    {heap_leak_growing, pb::LEAK_KIND_GROWING},
    {heap_leak_old, pb::LEAK_KIND_OLD},
    {heap_leak_outlived_task, pb::LEAK_KIND_OUTLIVED_TASK}};

}  // namespace

void to_proto(const std::vector<cpu_stack_sample>& samples, pb::Update* update) {
  if (samples.empty()) return;
  string_interner intern(update);
  for (const auto& s : samples) {
    auto* stack = update->add_cpu_samples();
    for (std::size_t i = 0; i < s.frames.size(); ++i) {
      stack->add_frames(intern(s.frames[i]));
      stack->add_is_task_frame(i < s.is_task_frame.size() && s.is_task_frame[i]);
    }
    stack->set_count(s.count);
    stack->set_task_id(s.task_id);
  }
}

void to_proto(const std::optional<heap_view>& heap, pb::Update* update) {
  update->set_heap_changed(true);
  if (!heap) return;
  string_interner intern(update);
  auto* out = update->mutable_heap();
  out->set_time_unix_nano(static_cast<std::uint64_t>(
      std::chrono::duration_cast<nanoseconds>(heap->time.time_since_epoch()).count()));
  out->set_sample_interval_bytes(heap->sample_interval_bytes);
  out->set_inuse_bytes(heap->inuse_bytes);
  out->set_inuse_objects(heap->inuse_objects);
  out->set_process_rss_bytes(heap->process_rss_bytes);
  out->set_total_sites(heap->total_sites);
  const std::size_t sites = std::min(heap->sites.size(), heap_view::kMaxSites);
  for (std::size_t i = 0; i < sites; ++i) {
    const heap_site_info& s = heap->sites[i];
    auto* site = out->add_sites();
    to_proto(s.stack, intern, site->mutable_frames());
    site->set_task(intern(s.task));
    site->set_inuse_bytes(s.inuse_bytes);
    site->set_inuse_objects(s.inuse_objects);
    site->set_alloc_bytes(s.alloc_bytes);
    site->set_alloc_objects(s.alloc_objects);
  }
  const std::size_t suspects = std::min(heap->leak_suspects.size(), heap_view::kMaxSuspects);
  for (std::size_t i = 0; i < suspects; ++i) {
    const heap_leak_suspect_info& s = heap->leak_suspects[i];
    auto* suspect = out->add_leak_suspects();
    for (const auto& [bit, kind] : kLeakKinds)
      if (s.kinds & bit) suspect->add_kinds(kind);
    to_proto(s.stack, intern, suspect->mutable_frames());
    suspect->set_task(intern(s.task));
    suspect->set_spawn_site(intern(s.spawn_site));
    suspect->set_inuse_bytes(s.inuse_bytes);
    suspect->set_inuse_objects(s.inuse_objects);
    suspect->set_growth_bytes(s.growth_bytes);
    suspect->set_oldest_age_nanos(ns(s.oldest_age));
    suspect->set_message(s.message);
  }
}

std::optional<heap_view> heap_from_proto(const pb::Update& u) {
  if (!u.has_heap()) return std::nullopt;
  const pb::Heap& h = u.heap();
  heap_view out;
  out.time = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(nanoseconds(h.time_unix_nano())));
  out.sample_interval_bytes = h.sample_interval_bytes();
  out.inuse_bytes = h.inuse_bytes();
  out.inuse_objects = h.inuse_objects();
  out.process_rss_bytes = h.process_rss_bytes();
  out.total_sites = h.total_sites();
  // A peer may send more than we would: keep the same bounds.
  for (const auto& s : h.sites()) {
    if (out.sites.size() == heap_view::kMaxSites) break;
    heap_site_info site;
    site.stack = from_proto(u, s.frames());
    if (site.stack.size() > heap_view::kMaxFrames) site.stack.resize(heap_view::kMaxFrames);
    site.task = string_at(u, s.task());
    site.inuse_bytes = s.inuse_bytes();
    site.inuse_objects = s.inuse_objects();
    site.alloc_bytes = s.alloc_bytes();
    site.alloc_objects = s.alloc_objects();
    out.sites.push_back(std::move(site));
  }
  for (const auto& s : h.leak_suspects()) {
    if (out.leak_suspects.size() == heap_view::kMaxSuspects) break;
    heap_leak_suspect_info suspect;
    for (const auto kind : s.kinds())
      for (const auto& [bit, k] : kLeakKinds)
        if (k == kind) suspect.kinds |= bit;
    suspect.stack = from_proto(u, s.frames());
    if (suspect.stack.size() > heap_view::kMaxFrames) suspect.stack.resize(heap_view::kMaxFrames);
    suspect.task = string_at(u, s.task());
    suspect.spawn_site = string_at(u, s.spawn_site());
    suspect.inuse_bytes = s.inuse_bytes();
    suspect.inuse_objects = s.inuse_objects();
    suspect.growth_bytes = s.growth_bytes();
    suspect.oldest_age = dur(s.oldest_age_nanos());
    suspect.message = s.message();
    out.leak_suspects.push_back(std::move(suspect));
  }
  return out;
}

std::vector<cpu_stack_sample> cpu_samples_from_proto(const pb::Update& u) {
  std::vector<cpu_stack_sample> out;
  out.reserve(static_cast<std::size_t>(u.cpu_samples_size()));
  for (const auto& stack : u.cpu_samples()) {
    cpu_stack_sample s;
    for (int i = 0; i < stack.frames_size(); ++i) {
      const auto f = stack.frames(i);
      s.frames.push_back(f < static_cast<std::uint32_t>(u.string_table_size()) ? u.string_table(static_cast<int>(f)) : std::string("?"));
      s.is_task_frame.push_back(i < stack.is_task_frame_size() && stack.is_task_frame(i));
    }
    s.count = stack.count();
    s.task_id = stack.task_id();
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

void to_proto(const resource_info& r, pb::Resource* out) {
  out->set_id(r.id);
  out->set_kind(r.kind);
  out->set_native_handle(r.native_handle);
  out->set_closed(r.closed);
  out->set_timed_operations(r.timed_operations);
  out->set_wait_p50_nanos(ns(r.waits.p50));
  out->set_wait_p99_nanos(ns(r.waits.p99));
  out->set_wait_max_nanos(ns(r.waits.max));
  out->set_last_task_id(r.last_task_id);
  out->set_last_task_name(r.last_task_name);
}

}  // namespace

resource_info from_proto(const pb::Resource& r) {
  resource_info out;
  out.id = r.id();
  out.kind = r.kind();
  out.native_handle = r.native_handle();
  out.closed = r.closed();
  out.timed_operations = r.timed_operations();
  out.waits.count = r.timed_operations();
  out.waits.p50 = dur(r.wait_p50_nanos());
  out.waits.p99 = dur(r.wait_p99_nanos());
  out.waits.max = dur(r.wait_max_nanos());
  out.last_task_id = r.last_task_id();
  out.last_task_name = r.last_task_name();
  return out;
}

void to_proto(const self_cost& c, pb::SelfCost* out) {
  out->set_polls(c.polls);
  out->set_events(c.events);
  out->set_event_cost_nanos(ns(c.event_cost));
  out->set_nanos_per_poll(c.ns_per_poll);
  out->set_collector_cpu_nanos(ns(c.collector_cpu));
  out->set_sampler_cpu_nanos(ns(c.sampler_cpu));
  out->set_cpu_ratio(c.cpu_ratio);
  out->set_ring_bytes(c.ring_bytes);
  out->set_recorder_bytes(c.recorder_bytes);
  out->set_table_bytes(c.table_bytes);
  out->set_recorder_lost_events(c.recorder_lost_events);
  out->set_recorder_lost_samples(c.recorder_lost_samples);
}

self_cost from_proto(const pb::SelfCost& c) {
  self_cost out;
  out.polls = c.polls();
  out.events = c.events();
  out.event_cost = dur(c.event_cost_nanos());
  out.ns_per_poll = c.nanos_per_poll();
  out.collector_cpu = dur(c.collector_cpu_nanos());
  out.sampler_cpu = dur(c.sampler_cpu_nanos());
  out.cpu_ratio = c.cpu_ratio();
  out.ring_bytes = c.ring_bytes();
  out.recorder_bytes = c.recorder_bytes();
  out.table_bytes = c.table_bytes();
  out.recorder_lost_events = c.recorder_lost_events();
  out.recorder_lost_samples = c.recorder_lost_samples();
  return out;
}

operation_kind_info from_proto(const pb::OperationKind& k) {
  return {k.kind(), k.count(), from_proto(k.waits())};
}

void fill_operations(const snapshot* previous, const snapshot& current, pb::Update* out) {
  out->mutable_no_task()->set_polls(current.no_task.polls);
  out->mutable_no_task()->set_busy_nanos(ns(current.no_task.busy));
  for (const auto& k : current.operation_kinds) {
    auto* kind = out->add_operation_kinds();
    kind->set_kind(k.kind);
    kind->set_count(k.count);
    to_proto(k.waits, kind->mutable_waits());
  }
  out->mutable_counts()->set_dropped_resources(current.dropped_resources);
  to_proto(current.self, out->mutable_self_cost());

  std::unordered_map<std::uint64_t, const resource_info*> before;
  if (previous) {
    before.reserve(previous->resources.size());
    for (const auto& r : previous->resources) before.emplace(r.id, &r);
  }
  for (const auto& r : current.resources) {
    const auto it = before.find(r.id);
    if (it == before.end() || resource_differs(*it->second, r)) to_proto(r, out->add_resources());
    if (it != before.end()) before.erase(it);
  }
  for (const auto& [id, r] : before) out->add_removed_resource_ids(id);
}

std::string frame_of(const google::protobuf::MessageLite& message) {
  std::string payload;
  message.SerializeToString(&payload);
  return encode_frame(payload);
}

}  // namespace coroscope::console::detail
