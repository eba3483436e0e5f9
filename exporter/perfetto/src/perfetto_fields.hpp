// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

// Field numbers and enum values of the messages the encoder writes, taken from the code
// protoc generates from our .proto subset (../proto/protos/perfetto/trace/, upstream's
// numbers; each file there names the upstream file): short names for encode.cpp, no number
// written twice.
#include "protos/perfetto/trace/interned_data/interned_data.pb.h"
#include "protos/perfetto/trace/trace.pb.h"
#include "protos/perfetto/trace/trace_packet.pb.h"
#include "protos/perfetto/trace/track_event/counter_descriptor.pb.h"
#include "protos/perfetto/trace/track_event/debug_annotation.pb.h"
#include "protos/perfetto/trace/track_event/process_descriptor.pb.h"
#include "protos/perfetto/trace/track_event/thread_descriptor.pb.h"
#include "protos/perfetto/trace/track_event/track_descriptor.pb.h"
#include "protos/perfetto/trace/track_event/track_event.pb.h"

namespace coroscope::detail::pf {

namespace pp = ::perfetto::protos;

namespace trace { constexpr int packet = pp::Trace::kPacketFieldNumber; }

namespace packet {
constexpr int timestamp = pp::TracePacket::kTimestampFieldNumber;
constexpr int trusted_packet_sequence_id = pp::TracePacket::kTrustedPacketSequenceIdFieldNumber;
constexpr int track_event = pp::TracePacket::kTrackEventFieldNumber;
constexpr int interned_data = pp::TracePacket::kInternedDataFieldNumber;
constexpr int sequence_flags = pp::TracePacket::kSequenceFlagsFieldNumber;
constexpr int track_descriptor = pp::TracePacket::kTrackDescriptorFieldNumber;
constexpr unsigned seq_incremental_state_cleared = pp::TracePacket::SEQ_INCREMENTAL_STATE_CLEARED;
constexpr unsigned seq_needs_incremental_state = pp::TracePacket::SEQ_NEEDS_INCREMENTAL_STATE;
}  // namespace packet

namespace interned {
constexpr int event_names = pp::InternedData::kEventNamesFieldNumber;
constexpr int debug_annotation_names = pp::InternedData::kDebugAnnotationNamesFieldNumber;
constexpr int iid = pp::EventName::kIidFieldNumber;
constexpr int name = pp::EventName::kNameFieldNumber;
static_assert(iid == pp::DebugAnnotationName::kIidFieldNumber &&
              name == pp::DebugAnnotationName::kNameFieldNumber);
}  // namespace interned

namespace track {
constexpr int uuid = pp::TrackDescriptor::kUuidFieldNumber;
constexpr int name = pp::TrackDescriptor::kNameFieldNumber;
constexpr int process = pp::TrackDescriptor::kProcessFieldNumber;
constexpr int thread = pp::TrackDescriptor::kThreadFieldNumber;
constexpr int parent_uuid = pp::TrackDescriptor::kParentUuidFieldNumber;
constexpr int counter = pp::TrackDescriptor::kCounterFieldNumber;
}  // namespace track
namespace process {
constexpr int pid = pp::ProcessDescriptor::kPidFieldNumber;
constexpr int process_name = pp::ProcessDescriptor::kProcessNameFieldNumber;
}  // namespace process
namespace thread {
constexpr int pid = pp::ThreadDescriptor::kPidFieldNumber;
constexpr int tid = pp::ThreadDescriptor::kTidFieldNumber;
constexpr int thread_name = pp::ThreadDescriptor::kThreadNameFieldNumber;
}  // namespace thread
namespace counter {
constexpr int unit = pp::CounterDescriptor::kUnitFieldNumber;
constexpr unsigned unit_count = pp::CounterDescriptor::UNIT_COUNT;
}  // namespace counter

namespace event {
constexpr int debug_annotations = pp::TrackEvent::kDebugAnnotationsFieldNumber;
constexpr int type = pp::TrackEvent::kTypeFieldNumber;
constexpr int name_iid = pp::TrackEvent::kNameIidFieldNumber;
constexpr int track_uuid = pp::TrackEvent::kTrackUuidFieldNumber;
constexpr int counter_value = pp::TrackEvent::kCounterValueFieldNumber;
constexpr int double_counter_value = pp::TrackEvent::kDoubleCounterValueFieldNumber;
constexpr int flow_ids = pp::TrackEvent::kFlowIdsFieldNumber;  // repeated fixed64, unpacked
constexpr int terminating_flow_ids = pp::TrackEvent::kTerminatingFlowIdsFieldNumber;
constexpr int callstack = pp::TrackEvent::kCallstackFieldNumber;
constexpr unsigned type_slice_begin = pp::TrackEvent::TYPE_SLICE_BEGIN;
constexpr unsigned type_slice_end = pp::TrackEvent::TYPE_SLICE_END;
constexpr unsigned type_instant = pp::TrackEvent::TYPE_INSTANT;
constexpr unsigned type_counter = pp::TrackEvent::TYPE_COUNTER;
}  // namespace event
namespace callstack {
constexpr int frames = pp::TrackEvent::Callstack::kFramesFieldNumber;
constexpr int function_name = pp::TrackEvent::Callstack::Frame::kFunctionNameFieldNumber;
constexpr int source_file = pp::TrackEvent::Callstack::Frame::kSourceFileFieldNumber;
constexpr int line_number = pp::TrackEvent::Callstack::Frame::kLineNumberFieldNumber;
}  // namespace callstack
namespace annotation {
constexpr int name_iid = pp::DebugAnnotation::kNameIidFieldNumber;
constexpr int uint_value = pp::DebugAnnotation::kUintValueFieldNumber;
constexpr int string_value = pp::DebugAnnotation::kStringValueFieldNumber;
}  // namespace annotation

}  // namespace coroscope::detail::pf
