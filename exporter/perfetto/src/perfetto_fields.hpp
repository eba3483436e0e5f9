// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

// Field numbers of the messages the encoder writes, as in our .proto subset under
// ../proto/protos/perfetto/trace/ (itself upstream's numbers; each file there names the
// upstream file). The tests decode the encoder's output with the classes generated from
// those .proto files: a number that differs here fails them.
namespace coroscope::detail::pf {

namespace trace { constexpr int packet = 1; }

namespace packet {  // TracePacket, trace_packet.proto
constexpr int timestamp = 8;
constexpr int trusted_packet_sequence_id = 10;
constexpr int track_event = 11;
constexpr int interned_data = 12;
constexpr int sequence_flags = 13;
constexpr int track_descriptor = 60;
constexpr unsigned seq_incremental_state_cleared = 1;  // TracePacket.SequenceFlags
constexpr unsigned seq_needs_incremental_state = 2;
}  // namespace packet

namespace interned {  // InternedData, interned_data.proto
constexpr int event_names = 2;             // EventName, track_event.proto
constexpr int debug_annotation_names = 3;  // DebugAnnotationName, debug_annotation.proto
constexpr int iid = 1;                     // both: iid = 1, name = 2
constexpr int name = 2;
}  // namespace interned

namespace track {  // TrackDescriptor, track_event/track_descriptor.proto
constexpr int uuid = 1;
constexpr int name = 2;
constexpr int process = 3;
constexpr int thread = 4;
constexpr int parent_uuid = 5;
constexpr int counter = 8;
}  // namespace track
namespace process {  // ProcessDescriptor, track_event/process_descriptor.proto
constexpr int pid = 1;
constexpr int process_name = 6;
}  // namespace process
namespace thread {  // ThreadDescriptor, track_event/thread_descriptor.proto
constexpr int pid = 1;
constexpr int tid = 2;
constexpr int thread_name = 5;
}  // namespace thread
namespace counter {  // CounterDescriptor, track_event/counter_descriptor.proto
constexpr int unit = 3;
constexpr unsigned unit_count = 2;  // CounterDescriptor.Unit.UNIT_COUNT
}  // namespace counter

namespace event {  // TrackEvent, track_event/track_event.proto
constexpr int debug_annotations = 4;
constexpr int type = 9;
constexpr int name_iid = 10;
constexpr int track_uuid = 11;
constexpr int counter_value = 30;
constexpr int double_counter_value = 44;
constexpr int flow_ids = 47;              // repeated fixed64, unpacked (proto2)
constexpr int terminating_flow_ids = 48;  // repeated fixed64, unpacked (proto2)
constexpr int callstack = 55;
constexpr unsigned type_slice_begin = 1;  // TrackEvent.Type
constexpr unsigned type_slice_end = 2;
constexpr unsigned type_instant = 3;
constexpr unsigned type_counter = 4;
}  // namespace event
namespace callstack {  // TrackEvent.Callstack and its Frame
constexpr int frames = 1;
constexpr int function_name = 1;
constexpr int source_file = 2;
constexpr int line_number = 3;
}  // namespace callstack
namespace annotation {  // DebugAnnotation, track_event/debug_annotation.proto
constexpr int name_iid = 1;
constexpr int uint_value = 3;
constexpr int string_value = 6;
}  // namespace annotation

}  // namespace coroscope::detail::pf
