// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/perfetto.hpp>
#include <coroscope/profile_view.hpp>

#include "track_slices.hpp"

#include "perfetto_fields.hpp"
#include "proto_writer.hpp"

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <fstream>
#include <map>
#include <queue>
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

namespace pf = detail::pf;

// trusted_packet_sequence_id of every packet: the file is one writer's one sequence, in
// time order, and interned names are valid on it.
constexpr std::uint32_t kSequenceId = 1;

// About what one event takes (a poll's begin is ~40 bytes, its end ~12): the output is
// reserved up front rather than grown by copying.
constexpr std::size_t kBytesPerEvent = 32;

// Track uuids: a kind in the low four bits, a worker index or task id above them (small
// numbers: a uuid is written with every event).
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
std::uint64_t uuid_of(track_kind kind, std::uint64_t index = 0) {
  return (index << 4) | static_cast<std::uint64_t>(kind);
}

// What one track item stands for: an element of one of the timeline's vectors.
enum class what : std::uint8_t { worker_poll, task_poll, park, await, wake, lint, sample, counter, window };
struct event_spec {
  what kind;
  std::uint32_t index = 0;
  // task_poll: the flows it ends, [flows_begin, flows_end) of encoder::flow_ends_.
  std::uint32_t flows_begin = 0;
  std::uint32_t flows_end = 0;
};

// What a task's polls are named on worker tracks. Task id 0 is the probe's "(no task)"
// bucket: handlers that ran outside any task.
std::string_view task_name(const timeline::task* t, std::uint64_t id) {
  if (t && !t->name.empty()) return t->name;
  return id == 0 ? "(no task)" : "task";
}

// A task's track name: its name and id.
std::string task_label(const timeline::task* t, std::uint64_t id) {
  if (id == 0 && !(t && !t->name.empty())) return "(no task)";
  return std::string(task_name(t, id)) + " #" + std::to_string(id);
}

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using intern_table = std::unordered_map<std::string, std::uint64_t, string_hash, std::equal_to<>>;

// Appends TracePackets to the trace, interning event and annotation names on the one
// sequence: a name's entry goes into the first packet that uses it.
class trace_writer {
 public:
  void start(std::uint64_t time_ns) {
    packet_.clear();
    interned_.clear();
    time_ = time_ns;
    flags_ = first_ ? pf::packet::seq_incremental_state_cleared : 0;
    first_ = false;
  }

  std::uint64_t event_name(std::string_view name) { return intern(event_names_, pf::interned::event_names, name); }
  std::uint64_t annotation_name(std::string_view name) {
    return intern(annotation_names_, pf::interned::debug_annotation_names, name);
  }

  // Ends the packet started last; `body` is its `data` (field `field`).
  void finish(int field, const detail::proto_writer& body) {
    packet_.uint(pf::packet::timestamp, time_);
    packet_.uint(pf::packet::trusted_packet_sequence_id, kSequenceId);
    if (flags_ != 0) packet_.uint(pf::packet::sequence_flags, flags_);
    if (!interned_.bytes().empty()) packet_.message(pf::packet::interned_data, interned_);
    packet_.message(field, body);
    out_.message(pf::trace::packet, packet_);
  }

  void reserve(std::size_t bytes) { out_.reserve(bytes); }
  std::string take() { return out_.take(); }

 private:
  std::uint64_t intern(intern_table& table, int field, std::string_view name) {
    flags_ |= pf::packet::seq_needs_incremental_state;
    if (auto it = table.find(name); it != table.end()) return it->second;
    const std::uint64_t iid = table.size() + 1;
    table.emplace(std::string(name), iid);
    entry_.clear();
    entry_.uint(pf::interned::iid, iid);
    entry_.bytes(pf::interned::name, name);
    interned_.message(field, entry_);
    return iid;
  }

  detail::proto_writer out_, packet_, interned_, entry_;
  intern_table event_names_, annotation_names_;
  std::uint64_t time_ = 0;
  unsigned flags_ = 0;
  bool first_ = true;
};

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
    tasks_.reserve(w_.tasks.size());
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
    task_ids_.reserve(tasks_.size());
    for (const auto& [id, t] : tasks_) task_ids_.push_back(id);
    std::sort(task_ids_.begin(), task_ids_.end());
    slots_.reserve(2 * tasks_.size() + 5 * workers_.size() + 4);
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
    describe(uuid_of(track_kind::process), 0, process);
    if (known_pid) {
      sub_.clear();
      sub_.sint(pf::process::pid, static_cast<std::int32_t>(w_.pid));
      sub_.bytes(pf::process::process_name, process);
      desc_.message(pf::track::process, sub_);
    }
    end_describe();

    for (const auto& [index, use] : workers_) {
      std::string name = use.worker && !use.worker->thread_name.empty()
                             ? use.worker->thread_name
                             : "worker " + std::to_string(index);
      const std::uint64_t worker = uuid_of(track_kind::worker, index);
      if (known_pid && use.worker && use.worker->tid > 0) {
        // A thread track: Perfetto ties it to the process by pid, not by parent_uuid.
        describe(worker, 0, name);
        sub_.clear();
        sub_.sint(pf::thread::pid, static_cast<std::int32_t>(w_.pid));
        sub_.sint(pf::thread::tid, static_cast<std::int32_t>(use.worker->tid));
        sub_.bytes(pf::thread::thread_name, name);
        desc_.message(pf::track::thread, sub_);
      } else {
        describe(worker, uuid_of(track_kind::process), name);
      }
      end_describe();
      if (use.samples) {
        describe(uuid_of(track_kind::worker_samples, index), worker, name + " samples");
        end_describe();
      }
      if (use.queue_depth) {
        describe(uuid_of(track_kind::worker_queue_depth, index), worker, name + " queue depth");
        sub_.clear();
        sub_.uint(pf::counter::unit, pf::counter::unit_count);
        desc_.message(pf::track::counter, sub_);
        end_describe();
      }
      if (use.busy_ratio) {
        describe(uuid_of(track_kind::worker_busy_ratio, index), worker, name + " busy ratio");
        sub_.clear();
        desc_.message(pf::track::counter, sub_);  // a counter track, unit unspecified
        end_describe();
      }
    }
    if (process_lints_) {
      describe(uuid_of(track_kind::lints), uuid_of(track_kind::process), "lints");
      end_describe();
    }
    if (!tasks_.empty()) {
      describe(uuid_of(track_kind::tasks), uuid_of(track_kind::process), "tasks");
      end_describe();
    }
    for (const std::uint64_t id : task_ids_) {
      const timeline::task* t = tasks_.at(id);
      // Under the parent task's track when that task is in the window. Ids grow, so a
      // parent's id is smaller: this also rules out cycles from a bad timeline.
      const bool nested = t && t->parent_id != 0 && t->parent_id < id && tasks_.count(t->parent_id);
      const std::uint64_t parent =
          nested ? uuid_of(track_kind::task, t->parent_id) : uuid_of(track_kind::tasks);
      const std::string label = task_label(t, id);
      describe(uuid_of(track_kind::task, id), parent, label);
      end_describe();
      if (awaiting_.count(id)) {
        describe(uuid_of(track_kind::task_awaits, id), uuid_of(track_kind::task, id),
                 label + " timed awaits");
        end_describe();
      }
    }
    return first;
  }

  // Starts a TrackDescriptor in desc_ (the caller may add fields), ended by end_describe.
  void describe(std::uint64_t uuid, std::uint64_t parent, const std::string& name) {
    writer_.start(desc_time_);
    desc_.clear();
    desc_.uint(pf::track::uuid, uuid);
    if (parent != 0) desc_.uint(pf::track::parent_uuid, parent);
    desc_.bytes(pf::track::name, name);
    track_slot(uuid);  // tracks are written in this order
  }
  void end_describe() { writer_.finish(pf::packet::track_descriptor, desc_); }

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
    link_wakes();
    std::size_t flow = 0;
    for (std::size_t i = 0; i < w_.polls.size(); ++i) {
      const auto& p = w_.polls[i];
      slice(uuid_of(track_kind::worker, p.worker), p.begin_ns, p.end_ns, spec(what::worker_poll, i));
      const std::uint32_t task_poll = spec(what::task_poll, i);
      specs_[task_poll].flows_begin = static_cast<std::uint32_t>(flow);
      while (flow < flow_ends_.size() && flow_ends_[flow].first == i) ++flow;
      specs_[task_poll].flows_end = static_cast<std::uint32_t>(flow);
      slice(uuid_of(track_kind::task, p.task_id), p.begin_ns, p.end_ns, task_poll);
    }
    for (std::size_t i = 0; i < w_.parks.size(); ++i) {
      const auto& p = w_.parks[i];
      slice(uuid_of(track_kind::worker, p.worker), p.begin_ns, p.end_ns, spec(what::park, i));
    }
    for (std::size_t i = 0; i < w_.awaits.size(); ++i) {
      const auto& a = w_.awaits[i];
      slice(uuid_of(track_kind::task_awaits, a.task_id), a.begin_ns, a.end_ns, spec(what::await, i));
    }
    for (std::size_t i = 0; i < w_.wakes.size(); ++i) {
      const auto& k = w_.wakes[i];
      const std::uint64_t on = waker_track(k) != 0 ? waker_track(k) : k.task_id;
      instant(uuid_of(track_kind::task, on), k.time_ns, spec(what::wake, i));
    }
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
      auto found = polls_of.find(k.task_id);
      if (found == polls_of.end()) continue;
      auto next = std::lower_bound(found->second.begin(), found->second.end(),
                                   std::pair<std::uint64_t, std::size_t>{k.time_ns, 0});
      if (next == found->second.end()) continue;
      wake_flow_[i] = i + 1;
      flow_ends_.push_back({next->second, i + 1});
    }
    std::sort(flow_ends_.begin(), flow_ends_.end());
  }

  // Merges the tracks' events into one sequence in time order (at equal times, tracks
  // in the order they were described; a track's own order as sequence_track made it).
  void write_events() {
    std::vector<std::vector<detail::track_step>> steps(tracks_.size());
    std::vector<std::size_t> next(tracks_.size(), 0);
    using head = std::pair<std::uint64_t, std::size_t>;  // time, track slot
    std::priority_queue<head, std::vector<head>, std::greater<>> heads;
    std::size_t total = 0;
    for (std::size_t slot = 0; slot < tracks_.size(); ++slot) {
      steps[slot] = detail::sequence_track(std::move(tracks_[slot].items));
      if (!steps[slot].empty()) heads.push({steps[slot][0].time_ns, slot});
      total += steps[slot].size();
    }
    writer_.reserve(total * kBytesPerEvent);
    while (!heads.empty()) {
      const std::size_t slot = heads.top().second;
      heads.pop();
      write(tracks_[slot].uuid, steps[slot][next[slot]]);
      if (++next[slot] < steps[slot].size()) {
        heads.push({steps[slot][next[slot]].time_ns, slot});
      } else {
        steps[slot] = {};
      }
    }
  }

  void write(std::uint64_t uuid, const detail::track_step& step) {
    writer_.start(step.time_ns);
    event_.clear();
    event_.uint(pf::event::track_uuid, uuid);
    if (step.edge == detail::track_edge::slice_end) {
      event_.uint(pf::event::type, pf::event::type_slice_end);
      writer_.finish(pf::packet::track_event, event_);
      return;
    }
    const event_spec s = specs_[step.payload];
    event_.uint(pf::event::type, s.kind == what::counter                      ? pf::event::type_counter
                                 : step.edge == detail::track_edge::instant ? pf::event::type_instant
                                                                            : pf::event::type_slice_begin);
    switch (s.kind) {
      case what::worker_poll: {
        const auto& p = w_.polls[s.index];
        name(task_name(tasks_.at(p.task_id), p.task_id));
        annotate("task_id", p.task_id);
        break;
      }
      case what::task_poll: {
        const auto& p = w_.polls[s.index];
        name("poll");
        annotate("worker", p.worker);
        for (std::uint32_t f = s.flows_begin; f < s.flows_end; ++f)
          event_.fixed64(pf::event::terminating_flow_ids, flow_ends_[f].second);
        break;
      }
      case what::park:
        name("parked");
        break;
      case what::await: {
        const auto& a = w_.awaits[s.index];
        name(a.site.empty() ? std::string_view("timed await") : std::string_view(a.site));
        if (!a.file.empty()) annotate("location", a.file + ":" + std::to_string(a.line));
        break;
      }
      case what::wake: {
        const auto& k = w_.wakes[s.index];
        name(wake_name(k));
        annotate("wakee_task_id", k.task_id);
        if (wake_flow_[s.index] != 0) event_.fixed64(pf::event::flow_ids, wake_flow_[s.index]);
        break;
      }
      case what::lint: {
        const auto& l = w_.lints[s.index];
        name(l.name);
        if (l.task_id != 0) annotate("task_id", l.task_id);
        annotate("message", l.message);
        break;
      }
      case what::sample:
        write_sample(w_.samples[s.index]);
        break;
      case what::counter: {
        const auto& c = w_.counters[s.index];
        if (c.kind == timeline::counter_kind::queue_depth) {
          event_.sint(pf::event::counter_value, std::llround(c.value));
        } else {
          event_.dbl(pf::event::double_counter_value, c.value);
        }
        break;
      }
      case what::window:
        name("recording window");
        annotate("dropped_events", w_.dropped_events);
        annotate("duration_ns", w_.end_ns > w_.begin_ns ? w_.end_ns - w_.begin_ns : 0);
        break;
    }
    writer_.finish(pf::packet::track_event, event_);
  }

  void name(std::string_view name) { event_.uint(pf::event::name_iid, writer_.event_name(name)); }
  void annotate(std::string_view name, std::uint64_t value) {
    annotation_.clear();
    annotation_.uint(pf::annotation::name_iid, writer_.annotation_name(name));
    annotation_.uint(pf::annotation::uint_value, value);
    event_.message(pf::event::debug_annotations, annotation_);
  }
  void annotate(std::string_view name, std::string_view value) {
    annotation_.clear();
    annotation_.uint(pf::annotation::name_iid, writer_.annotation_name(name));
    annotation_.bytes(pf::annotation::string_value, value);
    event_.message(pf::event::debug_annotations, annotation_);
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
  void write_sample(const timeline::cpu_sample& s) {
    name(s.stack.empty() ? std::string_view("(no stack)") : std::string_view(namer_.name(s.stack.front())));
    stack_.clear();
    for (auto f = s.stack.rbegin(); f != s.stack.rend(); ++f) {
      frame_.clear();
      frame_.bytes(pf::callstack::function_name, namer_.name(*f));
      if (!f->file.empty()) frame_.bytes(pf::callstack::source_file, f->file);
      if (f->line != 0) frame_.uint(pf::callstack::line_number, f->line);
      stack_.message(pf::callstack::frames, frame_);
    }
    event_.message(pf::event::callstack, stack_);
    if (s.task_id != 0) {
      annotate("task_id", s.task_id);
      auto t = tasks_.find(s.task_id);
      annotate("task", task_label(t != tasks_.end() ? t->second : nullptr, s.task_id));
    }
  }

  const timeline& w_;
  frame_namer namer_;
  trace_writer writer_;
  detail::proto_writer desc_, sub_, event_, annotation_, stack_, frame_;
  std::map<unsigned, worker_use> workers_;
  std::unordered_map<std::uint64_t, const timeline::task*> tasks_;
  std::vector<std::uint64_t> task_ids_;  // tasks_'s keys, ascending
  std::unordered_set<std::uint64_t> awaiting_;
  bool process_lints_ = false;
  std::uint64_t desc_time_ = 0;
  std::vector<track> tracks_;
  std::unordered_map<std::uint64_t, std::size_t> slots_;
  std::vector<event_spec> specs_;
  std::vector<std::uint64_t> wake_flow_;
  std::vector<std::pair<std::size_t, std::uint64_t>> flow_ends_;  // (poll, flow id), by poll
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
