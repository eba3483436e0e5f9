// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Conversions between the model's plain values and the protocol's messages (the
// predicates that pick what a delta carries are in change_predicates.hpp). Public so that
// the agent's console server and the client library share one mapping; they are the
// protocol's own plumbing (namespace detail), not an API for programs that link coroscope.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coroscope/console/v1/console.pb.h"
#include "coroscope/console_types.hpp"
#include "coroscope/snapshot.hpp"

namespace coroscope::console::detail {

/// The generated messages (console.proto, package coroscope.console.v1).
namespace pb = coroscope::console::v1;

/// Writes a duration histogram's buckets into `out`.
void to_proto(const duration_histogram& h, pb::Histogram* out);
/// Writes the values of `t` that change while it runs (what an update carries for a
/// task it already sent).
void to_proto_stats(const task_info& t, pb::TaskStats* out);
/// Writes the whole task: id, parent, name, location and its stats.
void to_proto(const task_info& t, pb::Task* out);
/// Writes one worker thread.
void to_proto(const worker_info& w, pb::Worker* out);
/// Writes one await site.
void to_proto(const await_site_info& a, pb::AwaitSite* out);
/// Writes one warning.
void to_proto(const warning_info& w, pb::Warning* out);
/// Writes the probe's identity into the hello it answers a console with.
void to_proto(const console_identity& id, pb::ServerHello* out);
/// Writes one task's details (the answer to a console's details request).
void to_proto(const task_details& d, pb::TaskDetails* out);
/// Fills `update`'s string table and cpu_samples.
void to_proto(const std::vector<cpu_stack_sample>& samples, pb::Update* update);
/// Sets `update`'s heap_changed and heap (unset for nullopt: heap sampling is off), adding
/// its strings to the string table.
void to_proto(const std::optional<heap_view>& heap, pb::Update* update);

/// Reads a duration histogram back.
duration_histogram from_proto(const pb::Histogram& h);
/// Overwrites the changing values of `t` (not id, parent, name, location).
void apply_stats(const pb::TaskStats& s, task_info& t);
/// Reads a whole task back.
task_info from_proto(const pb::Task& t);
/// Reads a worker back.
worker_info from_proto(const pb::Worker& w);
/// Reads an await site back.
await_site_info from_proto(const pb::AwaitSite& a);
/// Reads a warning back.
warning_info from_proto(const pb::Warning& w);
/// Reads the probe's identity from its hello.
console_identity from_proto(const pb::ServerHello& h);
/// Reads one task's details back.
task_details from_proto(const pb::TaskDetails& d);
/// The CPU samples an update carries, their frames resolved through its string table.
std::vector<cpu_stack_sample> cpu_samples_from_proto(const pb::Update& u);
/// The heap view of an update with heap_changed; nullopt when it carries none.
std::optional<heap_view> heap_from_proto(const pb::Update& u);

/// Adds what the probe sees without annotations to `out`: the "(no task)" bucket, every
/// operation kind, the resources (all of them without `previous`; else the new and changed
/// ones and the ids of those gone), the dropped-resource count and the self cost.
void fill_operations(const snapshot* previous, const snapshot& current, pb::Update* out);
/// Reads a resource back.
resource_info from_proto(const pb::Resource& r);
/// coroscope's own cost, sent with every update.
void to_proto(const self_cost& c, pb::SelfCost* out);
self_cost from_proto(const pb::SelfCost& c);
/// Reads an operation kind's counts back.
operation_kind_info from_proto(const pb::OperationKind& k);

/// Serializes `message` into one frame.
std::string frame_of(const google::protobuf::MessageLite& message);

}  // namespace coroscope::console::detail
