// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

/// The plain CPU-profile model. It knows nothing about protobuf: the sampler fills it, the
/// encoders (coroscope/pprof.hpp, coroscope/collapsed.hpp, coroscope/flamegraph.hpp) turn
/// it into files, and `decode_pprof` reads pprof files (ours and other tools') back into it.
namespace coroscope {

/// One frame of a stack. Either symbolized (`function`, `file`, `line`) or raw
/// (`module` + `address`), or both.
struct frame {
  /// Demangled function name; empty when unknown (then the frame is shown as
  /// `module+0xaddress`). For a task frame, the task's name.
  std::string function;
  /// Source file; empty when unknown.
  std::string file;
  /// Source line; 0 when unknown.
  std::uint32_t line = 0;
  /// Instruction address, relative to `module` when `module` is set (the stable
  /// build-id + offset form); 0 for frames without an address (e.g. task frames).
  std::uint64_t address = 0;
  /// Path of the shared object or executable the address belongs to; may be empty.
  std::string module;
  /// Hex GNU build id of `module`; may be empty.
  std::string build_id;
  /// True for a logical frame naming a coroutine task (`task:accept-loop`) rather than code.
  bool is_task_frame = false;
  /// The frame's deduplicated id, or 0 for none. Two frames with the same non-zero id are
  /// equal in every field above, anywhere in the process: ids come from `reserve_frame_ids`
  /// (the symbol cache takes one per frame it caches). The profile builder keys its frame
  /// table by it, so that a frame the symbol cache returns for many samples is stored once.
  /// Whoever changes a field of a frame that has an id sets the id to 0.
  std::uint64_t id = 0;
};

/// Reserves `count` frame ids no one has had in this process and returns the first; the
/// others follow it. Thread-safe; never returns 0.
std::uint64_t reserve_frame_ids(std::uint64_t count) noexcept;

/// One sampled stack with its weights.
struct sample {
  /// The stack, leaf first (the innermost frame at index 0), as indices into the profile's
  /// `frames`: a sample names its frames instead of holding copies of their strings.
  std::vector<std::uint32_t> stack;
  /// How many samples this entry stands for.
  std::int64_t count = 1;
  /// CPU time attributed to the stack, in nanoseconds.
  std::int64_t cpu_ns = 0;
  /// String labels: `task`, `task_id`, `worker`, `trace_id`, `span_id`, or any others.
  std::map<std::string, std::string> labels;
  /// When the sample was taken (Unix ns). Not carried by pprof: 0 after `decode_pprof`.
  std::uint64_t timestamp_ns = 0;
};

/// A CPU profile: a set of samples over a time window.
struct cpu_profile {
  /// The frames the samples' stacks index. Each distinct frame is normally here once (the
  /// profile builder and the decoders see to it), but equal frames at several indices are
  /// allowed: the encoders merge them as they merge equal frames of different samples.
  std::vector<frame> frames;
  /// The samples, in no particular order; equal stacks may appear several times.
  std::vector<sample> samples;
  /// Sampling period in CPU nanoseconds (1e9 / Hz).
  std::int64_t period_ns = 0;
  /// Start of the profiled window (Unix ns).
  std::uint64_t start_ns = 0;
  /// Length of the profiled window in nanoseconds.
  std::uint64_t duration_ns = 0;
  /// Path of the profiled program's executable, as frames name it in `module`; pprof lists
  /// its mapping first (pprof takes the first mapping for the main binary). May be empty.
  std::string main_module;

  /// Appends `f` to `frames` and returns its index.
  std::uint32_t add_frame(frame f);
  /// Appends each frame of `stack` (leaf first) to `frames` and returns their indices in
  /// the same order: the `stack` of a sample with those frames.
  std::vector<std::uint32_t> add_frames(const std::vector<frame>& stack);
  /// A copy of the frames `s.stack` indexes, leaf first. Throws std::out_of_range for an
  /// index past `frames`.
  std::vector<frame> frames_of(const sample& s) const;
};

/// Throws std::invalid_argument, naming the sample and the index, when a sample's stack
/// names a frame past `profile.frames`. Every encoder and report refuses such a profile
/// with this error and writes nothing.
void check_stacks(const cpu_profile& profile);

}  // namespace coroscope
