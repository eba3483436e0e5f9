// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "trace_view.hpp"

#include <gtest/gtest.h>

namespace coroscope::test {

namespace pb = perfetto::protos;

trace_view::trace_view(const std::string& bytes) { read(bytes); }

void trace_view::read(const std::string& bytes) {
  ASSERT_TRUE(trace.ParseFromString(bytes));
  std::map<std::uint64_t, std::string> names;  // interned event names
  std::map<std::uint64_t, std::string> arg_names;  // interned debug annotation names
  std::map<std::uint64_t, std::vector<std::size_t>> open;  // per track: indexes into slices
  std::uint64_t last_time = 0;
  bool first = true;
  for (const auto& packet : trace.packet()) {
    EXPECT_EQ(packet.trusted_packet_sequence_id(), 1u);
    if (first) {
      EXPECT_TRUE(packet.sequence_flags() & pb::TracePacket::SEQ_INCREMENTAL_STATE_CLEARED);
    }
    first = false;
    EXPECT_GE(packet.timestamp(), last_time) << "packets out of time order";
    last_time = packet.timestamp();
    for (const auto& entry : packet.interned_data().event_names()) {
      EXPECT_NE(entry.iid(), 0u);
      EXPECT_TRUE(names.emplace(entry.iid(), entry.name()).second) << "iid reused";
    }
    for (const auto& entry : packet.interned_data().debug_annotation_names()) {
      EXPECT_NE(entry.iid(), 0u);
      EXPECT_TRUE(arg_names.emplace(entry.iid(), entry.name()).second) << "iid reused";
    }
    if (packet.has_track_descriptor()) {
      const auto& d = packet.track_descriptor();
      EXPECT_TRUE(tracks.emplace(d.uuid(), d).second) << "track described twice";
      if (d.has_parent_uuid()) {
        EXPECT_TRUE(tracks.count(d.parent_uuid())) << "parent after child";
      }
      continue;
    }
    ASSERT_TRUE(packet.has_track_event());
    const auto& e = packet.track_event();
    EXPECT_TRUE(tracks.count(e.track_uuid())) << "event on an undescribed track";
    std::string name;
    if (e.has_name_iid()) {
      EXPECT_TRUE(packet.sequence_flags() & pb::TracePacket::SEQ_NEEDS_INCREMENTAL_STATE);
      ASSERT_TRUE(names.count(e.name_iid())) << "name used before it was interned";
      name = names[e.name_iid()];
    } else {
      name = e.name();
    }
    auto& track_slices = slices[e.track_uuid()];
    auto& stack = open[e.track_uuid()];
    switch (e.type()) {
      case pb::TrackEvent::TYPE_SLICE_BEGIN:
      case pb::TrackEvent::TYPE_INSTANT: {
        view_slice s;
        s.name = name;
        s.begin_ns = s.end_ns = packet.timestamp();
        s.instant = e.type() == pb::TrackEvent::TYPE_INSTANT;
        s.depth = static_cast<unsigned>(stack.size());
        s.flows_out.assign(e.flow_ids().begin(), e.flow_ids().end());
        s.flows_in.assign(e.terminating_flow_ids().begin(), e.terminating_flow_ids().end());
        s.event = &e;
        for (const auto& a : e.debug_annotations()) {
          std::string key = a.name();
          if (a.has_name_iid()) {
            EXPECT_TRUE(arg_names.count(a.name_iid())) << "annotation name used before it was interned";
            key = arg_names[a.name_iid()];
          }
          if (a.has_string_value()) s.args[key] = a.string_value();
          if (a.has_uint_value()) s.args[key] = std::to_string(a.uint_value());
          if (a.has_int_value()) s.args[key] = std::to_string(a.int_value());
        }
        track_slices.push_back(s);
        if (!s.instant) stack.push_back(track_slices.size() - 1);
        break;
      }
      case pb::TrackEvent::TYPE_SLICE_END:
        EXPECT_FALSE(stack.empty()) << "end without begin";
        if (!stack.empty()) {
          track_slices[stack.back()].end_ns = packet.timestamp();
          stack.pop_back();
        }
        break;
      case pb::TrackEvent::TYPE_COUNTER:
        EXPECT_TRUE(tracks.at(e.track_uuid()).has_counter()) << "counter on a slice track";
        counters[e.track_uuid()].push_back(
            {packet.timestamp(), e.has_double_counter_value() ? e.double_counter_value()
                                                              : double(e.counter_value())});
        break;
      default:
        ADD_FAILURE() << "event without a type";
    }
  }
  for (const auto& [uuid, stack] : open) EXPECT_TRUE(stack.empty()) << "unbalanced track " << uuid;
}

std::uint64_t trace_view::track(const std::string& name) const {
  std::uint64_t found = 0;
  int count = 0;
  for (const auto& [uuid, d] : tracks) {
    if (d.name() == name) {
      found = uuid;
      ++count;
    }
  }
  EXPECT_EQ(count, 1) << "tracks named " << name;
  return found;
}

std::vector<view_slice> trace_view::slices_of(const std::string& name) const {
  std::vector<view_slice> out;
  auto it = slices.find(track(name));
  if (it == slices.end()) return out;
  for (const auto& s : it->second)
    if (!s.instant) out.push_back(s);
  return out;
}

std::vector<view_slice> trace_view::instants_of(const std::string& name) const {
  std::vector<view_slice> out;
  auto it = slices.find(track(name));
  if (it == slices.end()) return out;
  for (const auto& s : it->second)
    if (s.instant) out.push_back(s);
  return out;
}

std::string annotation(const view_slice& slice, const std::string& name) {
  auto it = slice.args.find(name);
  return it == slice.args.end() ? "" : it->second;
}

}  // namespace coroscope::test
