// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Reads heap profiles from pprof with pprof's generated classes. Compiled into
// coroscope::exporter (see sampler/heap/CMakeLists.txt), which owns that generated code, and
// kept apart from the writer: libcoroscope_heap.so links the writer only (see
// heap_pprof_writer.cpp for why it must not link the generated classes).
#include <coroscope/heap_profile.hpp>
#include <coroscope/heap_pprof.hpp>

#include "heap_pprof_format.hpp"
#include "pprof_input.hpp"
#include "profile.pb.h"

#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace coroscope {
namespace {

namespace pb = perftools::profiles;
namespace format = detail::heap_pprof;

[[noreturn]] void fail(const std::string& why) { throw std::runtime_error("not a heap profile: " + why); }

}  // namespace

heap_profile decode_heap_pprof(std::string_view gzipped_or_raw) {
  pb::Profile in;
  detail::parse_pprof_input(gzipped_or_raw, in, "heap");
  const int strings = in.string_table_size();
  auto str = [&](std::int64_t i) -> const std::string& {
    if (i < 0 || i >= strings) fail("string index out of range");
    return in.string_table(static_cast<int>(i));
  };
  int index[4] = {-1, -1, -1, -1};
  for (int i = 0; i < in.sample_type_size(); ++i)
    for (int k = 0; k < 4; ++k)
      if (str(in.sample_type(i).type()) == format::kSampleTypes[k][0]) index[k] = i;
  for (int k = 0; k < 4; ++k)
    if (index[k] < 0) fail(std::string("no ") + format::kSampleTypes[k][0] + " sample type");

  std::unordered_map<std::uint64_t, const pb::Function*> functions;
  for (const pb::Function& f : in.function()) functions[f.id()] = &f;
  std::unordered_map<std::uint64_t, const pb::Mapping*> mappings;
  for (const pb::Mapping& m : in.mapping()) mappings[m.id()] = &m;
  std::unordered_map<std::uint64_t, std::vector<frame>> locations;
  for (const pb::Location& loc : in.location()) {
    std::vector<frame> frames;
    const pb::Mapping* mapping = nullptr;
    if (loc.mapping_id() != 0) {
      auto it = mappings.find(loc.mapping_id());
      if (it == mappings.end()) fail("unknown mapping id");
      mapping = it->second;
    }
    auto base = [&] {
      frame f;
      f.address = loc.address();
      if (mapping != nullptr) {
        f.module = str(mapping->filename());
        f.build_id = str(mapping->build_id());
      }
      return f;
    };
    for (const pb::Line& line : loc.line()) {  // innermost inlined first
      auto it = functions.find(line.function_id());
      if (it == functions.end()) fail("unknown function id");
      frame f = base();
      f.function = str(it->second->name());
      f.file = str(it->second->filename());
      f.line = static_cast<std::uint32_t>(line.line());
      f.is_task_frame = str(it->second->system_name()).starts_with(format::kTaskPrefix);
      frames.push_back(std::move(f));
    }
    if (frames.empty()) frames.push_back(base());
    locations[loc.id()] = std::move(frames);
  }

  heap_profile out;
  out.sample_interval = in.period();
  out.time_ns = static_cast<std::uint64_t>(in.time_nanos());
  out.duration_ns = static_cast<std::uint64_t>(in.duration_nanos());
  for (const pb::Sample& s : in.sample()) {
    if (s.value_size() != in.sample_type_size()) fail("sample value count differs from sample types");
    heap_sample sample;
    for (std::uint64_t id : s.location_id()) {
      auto it = locations.find(id);
      if (it == locations.end()) fail("unknown location id");
      sample.stack.insert(sample.stack.end(), it->second.begin(), it->second.end());
    }
    sample.alloc_objects = s.value(index[0]);
    sample.alloc_space = s.value(index[1]);
    sample.inuse_objects = s.value(index[2]);
    sample.inuse_space = s.value(index[3]);
    for (const pb::Label& label : s.label()) {
      const std::string& key = str(label.key());
      if (key == format::kAgeLabel) {
        const auto age = static_cast<std::uint64_t>(label.num());
        sample.oldest_alloc_ns = out.time_ns > age ? out.time_ns - age : 1;
      } else if (label.str() != 0) {
        sample.labels[key] = str(label.str());
      } else {
        sample.labels[key] = std::to_string(label.num());
      }
    }
    out.samples.push_back(std::move(sample));
  }
  return out;
}

}  // namespace coroscope
