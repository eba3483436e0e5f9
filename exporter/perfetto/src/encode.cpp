// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/perfetto.hpp>
#include <coroscope/profile_view.hpp>

#include "track_slices.hpp"

#include "protos/perfetto/trace/trace_packet.pb.h"

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

// The track layout (docs/TIMELINE.md):
//
//   <process>                         ProcessDescriptor when the pid is known
//   ├─ <worker thread> ×N             ThreadDescriptor when the tid is known:
//   │  │                              polls named by task, "parked" slices
//   │  ├─ samples                     CPU samples: instants, inline callstack
//   │  ├─ queue depth, busy ratio     counter tracks
//   ├─ lints                          lints not about one task
//   └─ tasks
//      └─ <task> #id                  polls, wake instants, lint instants; a task's track
//         ├─ timed awaits             is a child of its parent task's track
//         └─ <child task> #id ...
//
// A wake is an instant on the waker's task track (the wakee's for I/O, timer and outside
// wakes) with a flow that ends at the wakee's next poll on the wakee's track.
namespace coroscope {
namespace {

namespace pb = ::perfetto::protos;

// trusted_packet_sequence_id of every packet: the file is one writer's one sequence, in
// time order, and interned names are valid on it.
constexpr std::uint32_t kSequenceId = 1;

// Track uuids: a kind in the top byte, a worker index or task id below it.
enum class track_kind : std::uint64_t {
  process = 1,
  worker,
  worker_samples,
  worker_queue_depth,
  worker_busy_ratio,
  lints,
  tasks,
  task,
  task_awaits,
};
constexpr std::uint64_t kIndexMask = (std::uint64_t{1} << 56) - 1;
std::uint64_t uuid_of(track_kind kind, std::uint64_t index = 0) {
  return (static_cast<std::uint64_t>(kind) << 56) | (index & kIndexMask);
}

// What one track item stands for: an element of one of the timeline's vectors.
enum class what : std::uint8_t { worker_poll, task_poll, park, await, wake, lint, sample, counter, window };
struct event_spec {
  what kind;
  std::uint32_t index = 0;
};

std::string task_label(const timeline::task* t, std::uint64_t id) {
  std::string name = t && !t->name.empty() ? t->name : "task";
  return name + " #" + std::to_string(id);
}

// Appends packets to the trace, interning event names on the one sequence.
class trace_writer {
 public:
  pb::TracePacket& start(std::uint64_t time_ns) {
    packet_.Clear();
    packet_.set_timestamp(time_ns);
    packet_.set_trusted_packet_sequence_id(kSequenceId);
    if (first_) packet_.set_sequence_flags(pb::TracePacket::SEQ_INCREMENTAL_STATE_CLEARED);
    first_ = false;
    return packet_;
  }

  void name(pb::TrackEvent& event, const std::string& name) {
    auto [it, added] = iids_.try_emplace(name, iids_.size() + 1);
    if (added) {
      auto* entry = packet_.mutable_interned_data()->add_event_names();
      entry->set_iid(it->second);
      entry->set_name(name);
    }
    event.set_name_iid(it->second);
    packet_.set_sequence_flags(packet_.sequence_flags() | pb::TracePacket::SEQ_NEEDS_INCREMENTAL_STATE);
  }

  // Trace.packet (field 1, length-delimited) holding the packet started last.
  void finish() {
    const std::size_t size = packet_.ByteSizeLong();
    out_.push_back('\x0a');
    for (std::uint64_t v = size; ; v >>= 7) {
      if (v < 0x80) {
        out_.push_back(static_cast<char>(v));
        break;
      }
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    }
    packet_.AppendPartialToString(&out_);
  }

  std::string take() { return std::move(out_); }

 private:
  pb::TracePacket packet_;
  std::unordered_map<std::string, std::uint64_t> iids_;
  std::string out_;
  bool first_ = true;
};

void annotate(pb::TrackEvent& event, const char* name, std::uint64_t value) {
  auto* a = event.add_debug_annotations();
  a->set_name(name);
  a->set_uint_value(value);
}
void annotate(pb::TrackEvent& event, const char* name, const std::string& value) {
  auto* a = event.add_debug_annotations();
  a->set_name(name);
  a->set_string_value(value);
}

class encoder {
 public:
  explicit encoder(const timeline& w) : w_(w), namer_(name_style::short_names) {}

  std::string run() {
    collect_ids();
    std::uint64_t first = describe_tracks();
    place_items(first);
    write_events();
    return writer_.take();
  }

 private:
  struct track {
    std::uint64_t uuid;
    std::vector<detail::track_item> items;
  };
  struct worker_use {
    const timeline::worker* worker = nullptr;
    bool samples = false, queue_depth = false, busy_ratio = false;
  };

  // Every worker and task any event names, in index / id order.
  void collect_ids() {
    for (const auto& wk : w_.workers) workers_[wk.index].worker = &wk;
    for (const auto& p : w_.polls) workers_[p.worker];
    for (const auto& p : w_.parks) workers_[p.worker];
    for (const auto& s : w_.samples) workers_[s.worker].samples = true;
    for (const auto& c : w_.counters) {
      auto& use = workers_[c.worker];
      (c.kind == timeline::counter_kind::queue_depth ? use.queue_depth : use.busy_ratio) = true;
    }
    for (const auto& t : w_.tasks) tasks_[t.id] = &t;
    for (const auto& p : w_.polls) tasks_.try_emplace(p.task_id, nullptr);
    for (const auto& a : w_.awaits) {
      tasks_.try_emplace(a.task_id, nullptr);
      awaiting_.insert(a.task_id);
    }
    for (const auto& k : w_.wakes) {
      tasks_.try_emplace(k.task_id, nullptr);
      if (waker_track(k) != 0) tasks_.try_emplace(k.waker_task_id, nullptr);
    }
    for (const auto& l : w_.lints) {
      if (l.task_id != 0) tasks_.try_emplace(l.task_id, nullptr);
      process_lints_ = process_lints_ || l.task_id == 0;
    }
  }

  static std::uint64_t waker_track(const timeline::wake& k) {
    return k.waker == timeline::waker_kind::task && k.waker_task_id != 0 ? k.waker_task_id : 0;
  }

  // Writes every TrackDescriptor, parents first; returns the time they carry.
  std::uint64_t describe_tracks() {
    std::uint64_t first = w_.begin_ns != 0 ? w_.begin_ns : UINT64_MAX;
    auto earliest = [&](std::uint64_t t) { first = std::min(first, t); };
    for (const auto& p : w_.polls) earliest(p.begin_ns);
    for (const auto& p : w_.parks) earliest(p.begin_ns);
    for (const auto& a : w_.awaits) earliest(a.begin_ns);
    for (const auto& k : w_.wakes) earliest(k.time_ns);
    for (const auto& l : w_.lints) earliest(l.time_ns);
    for (const auto& s : w_.samples) earliest(s.time_ns);
    for (const auto& c : w_.counters) earliest(c.time_ns);
    if (first == UINT64_MAX) first = 0;
    desc_time_ = first;

    const bool known_pid = w_.pid > 0;
    const std::string process = w_.process_name.empty() ? "coroscope" : w_.process_name;
    auto* root = describe(uuid_of(track_kind::process), 0, process);
    if (known_pid) {
      root->mutable_process()->set_pid(static_cast<std::int32_t>(w_.pid));
      root->mutable_process()->set_process_name(process);
    }
    writer_.finish();

    for (const auto& [index, use] : workers_) {
      std::string name = use.worker && !use.worker->thread_name.empty()
                             ? use.worker->thread_name
                             : "worker " + std::to_string(index);
      const std::uint64_t worker = uuid_of(track_kind::worker, index);
      if (known_pid && use.worker && use.worker->tid > 0) {
        // A thread track: Perfetto ties it to the process by pid, not by parent_uuid.
        auto* d = describe(worker, 0, name);
        d->mutable_thread()->set_pid(static_cast<std::int32_t>(w_.pid));
        d->mutable_thread()->set_tid(static_cast<std::int32_t>(use.worker->tid));
        d->mutable_thread()->set_thread_name(name);
      } else {
        describe(worker, uuid_of(track_kind::process), name);
      }
      writer_.finish();
      if (use.samples) {
        describe(uuid_of(track_kind::worker_samples, index), worker, name + " samples");
        writer_.finish();
      }
      if (use.queue_depth) {
        describe(uuid_of(track_kind::worker_queue_depth, index), worker, name + " queue depth")
            ->mutable_counter()->set_unit(pb::CounterDescriptor::UNIT_COUNT);
        writer_.finish();
      }
      if (use.busy_ratio) {
        describe(uuid_of(track_kind::worker_busy_ratio, index), worker, name + " busy ratio")
            ->mutable_counter();
        writer_.finish();
      }
    }
    if (process_lints_) {
      describe(uuid_of(track_kind::lints), uuid_of(track_kind::process), "lints");
      writer_.finish();
    }
    if (!tasks_.empty()) {
      describe(uuid_of(track_kind::tasks), uuid_of(track_kind::process), "tasks");
      writer_.finish();
    }
    for (const auto& [id, t] : tasks_) {
      // Under the parent task's track when that task is in the window. Ids grow, so a
      // parent's id is smaller: this also rules out cycles from a bad timeline.
      const bool nested = t && t->parent_id != 0 && t->parent_id < id && tasks_.count(t->parent_id);
      const std::uint64_t parent =
          nested ? uuid_of(track_kind::task, t->parent_id) : uuid_of(track_kind::tasks);
      const std::string label = task_label(t, id);
      describe(uuid_of(track_kind::task, id), parent, label);
      writer_.finish();
      if (awaiting_.count(id)) {
        describe(uuid_of(track_kind::task_awaits, id), uuid_of(track_kind::task, id),
                 label + " timed awaits");
        writer_.finish();
      }
    }
    return first;
  }

  pb::TrackDescriptor* describe(std::uint64_t uuid, std::uint64_t parent, const std::string& name) {
    auto* d = writer_.start(desc_time_).mutable_track_descriptor();
    d->set_uuid(uuid);
    if (parent != 0) d->set_parent_uuid(parent);
    d->set_name(name);
    track_slot(uuid);  // tracks are written in this order
    return d;
  }

  std::vector<detail::track_item>& items_of(std::uint64_t uuid) { return tracks_[track_slot(uuid)].items; }
  std::size_t track_slot(std::uint64_t uuid) {
    auto [it, added] = slots_.try_emplace(uuid, tracks_.size());
    if (added) tracks_.push_back({uuid, {}});
    return it->second;
  }

  std::uint32_t spec(what kind, std::size_t index) {
    specs_.push_back({kind, static_cast<std::uint32_t>(index)});
    return static_cast<std::uint32_t>(specs_.size() - 1);
  }
  void slice(std::uint64_t uuid, std::uint64_t begin, std::uint64_t end, std::uint32_t payload) {
    items_of(uuid).push_back({begin, end, false, payload});
  }
  void instant(std::uint64_t uuid, std::uint64_t time, std::uint32_t payload) {
    items_of(uuid).push_back({time, time, true, payload});
  }

  void place_items(std::uint64_t first) {
    instant(uuid_of(track_kind::process), w_.begin_ns != 0 ? w_.begin_ns : first, spec(what::window, 0));
    for (std::size_t i = 0; i < w_.polls.size(); ++i) {
      const auto& p = w_.polls[i];
      slice(uuid_of(track_kind::worker, p.worker), p.begin_ns, p.end_ns, spec(what::worker_poll, i));
      slice(uuid_of(track_kind::task, p.task_id), p.begin_ns, p.end_ns, spec(what::task_poll, i));
    }
    for (std::size_t i = 0; i < w_.parks.size(); ++i) {
      const auto& p = w_.parks[i];
      slice(uuid_of(track_kind::worker, p.worker), p.begin_ns, p.end_ns, spec(what::park, i));
    }
    for (std::size_t i = 0; i < w_.awaits.size(); ++i) {
      const auto& a = w_.awaits[i];
      slice(uuid_of(track_kind::task_awaits, a.task_id), a.begin_ns, a.end_ns, spec(what::await, i));
    }
    link_wakes();
    for (std::size_t i = 0; i < w_.lints.size(); ++i) {
      const auto& l = w_.lints[i];
      instant(l.task_id != 0 ? uuid_of(track_kind::task, l.task_id) : uuid_of(track_kind::lints),
              l.time_ns, spec(what::lint, i));
    }
    for (std::size_t i = 0; i < w_.samples.size(); ++i) {
      const auto& s = w_.samples[i];
      instant(uuid_of(track_kind::worker_samples, s.worker), s.time_ns, spec(what::sample, i));
    }
    for (std::size_t i = 0; i < w_.counters.size(); ++i) {
      const auto& c = w_.counters[i];
      const auto kind = c.kind == timeline::counter_kind::queue_depth ? track_kind::worker_queue_depth
                                                                      : track_kind::worker_busy_ratio;
      instant(uuid_of(kind, c.worker), c.time_ns, spec(what::counter, i));
    }
  }

  // Each wake gets flow id (its index + 1) when the wakee polls after it: the flow starts
  // at the wake's instant and ends at the first poll of the wakee that begins at or after
  // the wake.
  void link_wakes() {
    std::unordered_map<std::uint64_t, std::vector<std::pair<std::uint64_t, std::size_t>>> polls_of;
    for (std::size_t i = 0; i < w_.polls.size(); ++i)
      polls_of[w_.polls[i].task_id].push_back({w_.polls[i].begin_ns, i});
    for (auto& [id, list] : polls_of) std::sort(list.begin(), list.end());

    wake_flow_.assign(w_.wakes.size(), 0);
    for (std::size_t i = 0; i < w_.wakes.size(); ++i) {
      const auto& k = w_.wakes[i];
      const std::uint64_t on = waker_track(k) != 0 ? waker_track(k) : k.task_id;
      instant(uuid_of(track_kind::task, on), k.time_ns, spec(what::wake, i));
      auto found = polls_of.find(k.task_id);
      if (found == polls_of.end()) continue;
      auto next = std::lower_bound(found->second.begin(), found->second.end(),
                                   std::pair<std::uint64_t, std::size_t>{k.time_ns, 0});
      if (next == found->second.end()) continue;
      wake_flow_[i] = i + 1;
      flows_into_[next->second].push_back(i + 1);
    }
  }

  void write_events() {
    struct global_step {
      std::uint64_t uuid;
      detail::track_step step;
    };
    std::vector<global_step> all;
    for (auto& t : tracks_) {
      for (const auto& step : detail::sequence_track(std::move(t.items))) all.push_back({t.uuid, step});
    }
    // One sequence in time order; a track's own order stays as sequence_track made it.
    std::stable_sort(all.begin(), all.end(), [](const global_step& a, const global_step& b) {
      return a.step.time_ns < b.step.time_ns;
    });
    for (const auto& g : all) write(g.uuid, g.step);
  }

  void write(std::uint64_t uuid, const detail::track_step& step) {
    auto& packet = writer_.start(step.time_ns);
    auto& event = *packet.mutable_track_event();
    event.set_track_uuid(uuid);
    if (step.edge == detail::track_edge::slice_end) {
      event.set_type(pb::TrackEvent::TYPE_SLICE_END);
      writer_.finish();
      return;
    }
    event.set_type(step.edge == detail::track_edge::slice_begin ? pb::TrackEvent::TYPE_SLICE_BEGIN
                                                               : pb::TrackEvent::TYPE_INSTANT);
    const event_spec s = specs_[step.payload];
    switch (s.kind) {
      case what::worker_poll: {
        const auto& p = w_.polls[s.index];
        const auto* t = tasks_.at(p.task_id);
        writer_.name(event, t && !t->name.empty() ? t->name : "task");
        annotate(event, "task_id", p.task_id);
        break;
      }
      case what::task_poll: {
        const auto& p = w_.polls[s.index];
        writer_.name(event, "poll");
        annotate(event, "worker", p.worker);
        if (auto in = flows_into_.find(s.index); in != flows_into_.end())
          for (std::uint64_t id : in->second) event.add_terminating_flow_ids(id);
        break;
      }
      case what::park:
        writer_.name(event, "parked");
        break;
      case what::await: {
        const auto& a = w_.awaits[s.index];
        writer_.name(event, a.site.empty() ? "timed await" : a.site);
        if (!a.file.empty()) annotate(event, "location", a.file + ":" + std::to_string(a.line));
        break;
      }
      case what::wake: {
        const auto& k = w_.wakes[s.index];
        writer_.name(event, wake_name(k));
        annotate(event, "wakee_task_id", k.task_id);
        if (wake_flow_[s.index] != 0) event.add_flow_ids(wake_flow_[s.index]);
        break;
      }
      case what::lint: {
        const auto& l = w_.lints[s.index];
        writer_.name(event, l.name);
        if (l.task_id != 0) annotate(event, "task_id", l.task_id);
        annotate(event, "message", l.message);
        break;
      }
      case what::sample:
        write_sample(event, w_.samples[s.index]);
        break;
      case what::counter: {
        const auto& c = w_.counters[s.index];
        event.set_type(pb::TrackEvent::TYPE_COUNTER);
        if (c.kind == timeline::counter_kind::queue_depth) {
          event.set_counter_value(std::llround(c.value));
        } else {
          event.set_double_counter_value(c.value);
        }
        break;
      }
      case what::window:
        writer_.name(event, "recording window");
        annotate(event, "dropped_events", w_.dropped_events);
        annotate(event, "duration_ns", w_.end_ns > w_.begin_ns ? w_.end_ns - w_.begin_ns : 0);
        break;
    }
    writer_.finish();
  }

  std::string wake_name(const timeline::wake& k) const {
    switch (k.waker) {
      case timeline::waker_kind::task:
        if (k.waker_task_id == 0) break;
        if (k.waker_task_id == k.task_id) return "self-wake";
        return "wake " + task_label(tasks_.at(k.task_id), k.task_id);
      case timeline::waker_kind::io:
        return "woken by I/O";
      case timeline::waker_kind::timer:
        return "woken by timer";
      case timeline::waker_kind::outside:
        break;
    }
    return "woken from outside";
  }

  // An instant named by the leaf function, with the whole stack inline (outermost
  // first, as TrackEvent.Callstack wants) and the task it ran for.
  void write_sample(pb::TrackEvent& event, const timeline::cpu_sample& s) {
    writer_.name(event, s.stack.empty() ? std::string("(no stack)") : namer_.name(s.stack.front()));
    auto* stack = event.mutable_callstack();
    for (auto f = s.stack.rbegin(); f != s.stack.rend(); ++f) {
      auto* frame = stack->add_frames();
      frame->set_function_name(namer_.name(*f));
      if (!f->file.empty()) frame->set_source_file(f->file);
      if (f->line != 0) frame->set_line_number(f->line);
    }
    if (s.task_id != 0) {
      annotate(event, "task_id", s.task_id);
      auto t = tasks_.find(s.task_id);
      annotate(event, "task", task_label(t != tasks_.end() ? t->second : nullptr, s.task_id));
    }
  }

  const timeline& w_;
  frame_namer namer_;
  trace_writer writer_;
  std::map<unsigned, worker_use> workers_;
  std::map<std::uint64_t, const timeline::task*> tasks_;
  std::unordered_set<std::uint64_t> awaiting_;
  bool process_lints_ = false;
  std::uint64_t desc_time_ = 0;
  std::vector<track> tracks_;
  std::unordered_map<std::uint64_t, std::size_t> slots_;
  std::vector<event_spec> specs_;
  std::vector<std::uint64_t> wake_flow_;
  std::unordered_map<std::size_t, std::vector<std::uint64_t>> flows_into_;
};

}  // namespace

std::string encode_perfetto(const timeline& window) { return encoder(window).run(); }

void write_perfetto(const timeline& window, const std::string& path) {
  const std::string bytes = encode_perfetto(window);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write Perfetto trace to " + path);
}

}  // namespace coroscope
