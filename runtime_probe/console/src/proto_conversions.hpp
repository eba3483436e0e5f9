// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Conversions between the probe's plain values and the protocol's messages (the
// predicates that pick what a delta carries are in change_predicates.hpp). Shared by the
// server (probe side) and the client library; never part of a public header.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coroscope/console/v1/console.pb.h"
#include "coroscope/console_types.hpp"
#include "coroscope/snapshot.hpp"

namespace coroscope::console::detail {

namespace pb = coroscope::console::v1;

void to_proto(const duration_histogram& h, pb::Histogram* out);
void to_proto_stats(const task_info& t, pb::TaskStats* out);
void to_proto(const task_info& t, pb::Task* out);
void to_proto(const worker_info& w, pb::Worker* out);
void to_proto(const await_site_info& a, pb::AwaitSite* out);
void to_proto(const warning_info& w, pb::Warning* out);
void to_proto(const console_identity& id, pb::ServerHello* out);
void to_proto(const task_details& d, pb::TaskDetails* out);
/// Fills `update`'s string table and cpu_samples.
void to_proto(const std::vector<cpu_stack_sample>& samples, pb::Update* update);
/// Sets `update`'s heap_changed and heap (unset for nullopt: heap sampling is off), adding
/// its strings to the string table.
void to_proto(const std::optional<heap_view>& heap, pb::Update* update);

duration_histogram from_proto(const pb::Histogram& h);
/// Overwrites the changing values of `t` (not id, parent, name, location).
void apply_stats(const pb::TaskStats& s, task_info& t);
task_info from_proto(const pb::Task& t);
worker_info from_proto(const pb::Worker& w);
await_site_info from_proto(const pb::AwaitSite& a);
warning_info from_proto(const pb::Warning& w);
console_identity from_proto(const pb::ServerHello& h);
task_details from_proto(const pb::TaskDetails& d);
std::vector<cpu_stack_sample> cpu_samples_from_proto(const pb::Update& u);
/// The heap view of an update with heap_changed; nullopt when it carries none.
std::optional<heap_view> heap_from_proto(const pb::Update& u);

/// Adds what the probe sees without annotations to `out`: the "(no task)" bucket, every
/// operation kind, the resources (all of them without `previous`; else the new and changed
/// ones and the ids of those gone) and the dropped-resource count.
void fill_operations(const snapshot* previous, const snapshot& current, pb::Update* out);
resource_info from_proto(const pb::Resource& r);
operation_kind_info from_proto(const pb::OperationKind& k);

/// Serializes `message` into one frame.
std::string frame_of(const google::protobuf::MessageLite& message);

}  // namespace coroscope::console::detail
