// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Writes heap profiles as pprof. Compiled into coroscope::exporter (see
// sampler/heap/CMakeLists.txt) for its gzip helpers and pprof's generated header.
//
// No generated message class is used here, only the field numbers protoc wrote into
// profile.pb.h; the bytes go through protobuf's CodedOutputStream (wire_message.hpp).
// Generated classes would link profile.pb.cc, whose static initializer registers
// "profile.proto" in libprotobuf's global descriptor pool. libcoroscope_heap.so links this
// file: preloaded into a program that has registered a profile.proto of its own (every
// program linking coroscope::exporter has), a second registration makes protobuf abort the
// program. tests/heap/preload_test.cpp checks the library carries no registration.
#include <coroscope/heap_profile.hpp>
#include <coroscope/heap_pprof.hpp>

#include <coroscope/gzip.hpp>
#include "heap_pprof_format.hpp"
#include "profile.pb.h"  // field numbers only (enumerators): see above
#include "wire_message.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace coroscope {
namespace {

namespace pb = perftools::profiles;
namespace format = detail::heap_pprof;
using detail::wire_message;

/// Assigns pprof's string, function, location and mapping ids while the samples are
/// written, and writes each table entry once. Mappings are written last: their memory
/// limit is the highest address seen in them.
class heap_writer {
 public:
  heap_writer() { intern(""); }

  std::string encode(const heap_profile& profile) {
    wire_message sample_types;
    for (const auto& [type, unit] : format::kSampleTypes) {
      wire_message value_type;
      value_type.varint(pb::ValueType::kTypeFieldNumber, intern(type));
      value_type.varint(pb::ValueType::kUnitFieldNumber, intern(unit));
      sample_types.message(pb::Profile::kSampleTypeFieldNumber, value_type);
    }
    wire_message period_type;
    period_type.varint(pb::ValueType::kTypeFieldNumber, intern("space"));
    period_type.varint(pb::ValueType::kUnitFieldNumber, intern("bytes"));
    const std::int64_t default_sample_type = intern("inuse_space");

    wire_message samples;
    for (const heap_sample& s : profile.samples) {
      wire_message sample;
      encode_sample(s, profile.time_ns, sample);
      samples.message(pb::Profile::kSampleFieldNumber, sample);
    }

    wire_message out;
    out.raw(sample_types.finish());
    out.raw(samples.finish());
    for (const mapping_entry& entry : mappings_) {
      wire_message mapping;
      mapping.varint(pb::Mapping::kIdFieldNumber, entry.id);
      mapping.varint(pb::Mapping::kMemoryLimitFieldNumber, entry.highest_address + 1);
      mapping.varint(pb::Mapping::kFilenameFieldNumber, entry.filename);
      mapping.varint(pb::Mapping::kBuildIdFieldNumber, entry.build_id);
      mapping.flag(pb::Mapping::kHasFunctionsFieldNumber, true);
      mapping.flag(pb::Mapping::kHasFilenamesFieldNumber, true);
      mapping.flag(pb::Mapping::kHasLineNumbersFieldNumber, true);
      out.message(pb::Profile::kMappingFieldNumber, mapping);
    }
    out.raw(locations_.finish());
    out.raw(functions_.finish());
    for (const std::string& s : string_table_) out.bytes(pb::Profile::kStringTableFieldNumber, s);
    out.varint(pb::Profile::kTimeNanosFieldNumber, static_cast<std::int64_t>(profile.time_ns));
    out.varint(pb::Profile::kDurationNanosFieldNumber, static_cast<std::int64_t>(profile.duration_ns));
    out.message(pb::Profile::kPeriodTypeFieldNumber, period_type);
    out.varint(pb::Profile::kPeriodFieldNumber, profile.sample_interval);
    out.varint(pb::Profile::kDefaultSampleTypeFieldNumber, default_sample_type);
    return out.finish();
  }

 private:
  struct mapping_entry {
    std::uint64_t id = 0;
    std::int64_t filename = 0;
    std::int64_t build_id = 0;
    std::uint64_t highest_address = 0;
  };

  void encode_sample(const heap_sample& s, std::uint64_t profile_time_ns, wire_message& sample) {
    std::vector<std::uint64_t> location_ids;
    location_ids.reserve(s.stack.size());
    for (const frame& f : s.stack) location_ids.push_back(location_id(f));
    sample.packed(pb::Sample::kLocationIdFieldNumber, location_ids);
    const std::int64_t values[4] = {s.alloc_objects, s.alloc_space, s.inuse_objects, s.inuse_space};
    sample.packed(pb::Sample::kValueFieldNumber, values);
    for (const auto& [key, value] : s.labels) {
      wire_message label;
      label.varint(pb::Label::kKeyFieldNumber, intern(key));
      label.varint(pb::Label::kStrFieldNumber, intern(value));
      sample.message(pb::Sample::kLabelFieldNumber, label);
    }
    if (s.oldest_alloc_ns != 0) {
      wire_message label;
      label.varint(pb::Label::kKeyFieldNumber, intern(format::kAgeLabel));
      const std::uint64_t age = profile_time_ns > s.oldest_alloc_ns ? profile_time_ns - s.oldest_alloc_ns : 0;
      label.varint(pb::Label::kNumFieldNumber, static_cast<std::int64_t>(age));
      label.varint(pb::Label::kNumUnitFieldNumber, intern("nanoseconds"));
      sample.message(pb::Sample::kLabelFieldNumber, label);
    }
  }

  std::int64_t intern(std::string_view s) {
    auto [it, inserted] = strings_.try_emplace(std::string(s), static_cast<std::int64_t>(string_table_.size()));
    if (inserted) string_table_.emplace_back(s);
    return it->second;
  }

  std::uint64_t function_id(const frame& f) {
    auto key = std::make_tuple(f.function, f.file, f.is_task_frame);
    if (auto it = functions_by_key_.find(key); it != functions_by_key_.end()) return it->second;
    const std::uint64_t id = functions_by_key_.size() + 1;
    const std::int64_t name = intern(f.function);
    wire_message function;
    function.varint(pb::Function::kIdFieldNumber, id);
    function.varint(pb::Function::kNameFieldNumber, name);
    function.varint(pb::Function::kSystemNameFieldNumber,
                    f.is_task_frame ? intern(std::string(format::kTaskPrefix) + f.function) : name);
    function.varint(pb::Function::kFilenameFieldNumber, intern(f.file));
    functions_.message(pb::Profile::kFunctionFieldNumber, function);
    functions_by_key_.emplace(std::move(key), id);
    return id;
  }

  std::uint64_t mapping_id(const frame& f) {
    auto [it, inserted] = mapping_index_.try_emplace(f.module, mappings_.size());
    if (inserted) mappings_.push_back({mappings_.size() + 1, intern(f.module), intern(f.build_id), 0});
    mapping_entry& entry = mappings_[it->second];
    if (f.address > entry.highest_address) entry.highest_address = f.address;
    return entry.id;
  }

  std::uint64_t location_id(const frame& f) {
    auto key = std::make_tuple(f.module, f.address, f.function, f.file, f.line, f.is_task_frame);
    if (auto it = locations_by_key_.find(key); it != locations_by_key_.end()) return it->second;
    const std::uint64_t id = locations_by_key_.size() + 1;
    wire_message location;
    location.varint(pb::Location::kIdFieldNumber, id);
    if (f.address != 0) {
      location.varint(pb::Location::kAddressFieldNumber, f.address);
      if (!f.module.empty()) location.varint(pb::Location::kMappingIdFieldNumber, mapping_id(f));
    }
    if (!f.function.empty() || !f.file.empty()) {
      wire_message line;
      line.varint(pb::Line::kFunctionIdFieldNumber, function_id(f));
      line.varint(pb::Line::kLineFieldNumber, static_cast<std::int64_t>(f.line));
      location.message(pb::Location::kLineFieldNumber, line);
    }
    locations_.message(pb::Profile::kLocationFieldNumber, location);
    locations_by_key_.emplace(std::move(key), id);
    return id;
  }

  std::vector<std::string> string_table_;
  std::unordered_map<std::string, std::int64_t> strings_;
  wire_message functions_;  // Profile.function entries, in id order
  wire_message locations_;  // Profile.location entries, in id order
  std::map<std::tuple<std::string, std::string, bool>, std::uint64_t> functions_by_key_;
  std::map<std::tuple<std::string, std::uint64_t, std::string, std::string, std::uint32_t, bool>, std::uint64_t>
      locations_by_key_;
  std::vector<mapping_entry> mappings_;  // in id order
  std::unordered_map<std::string, std::size_t> mapping_index_;  // module -> index in mappings_
};

}  // namespace

std::string encode_heap_pprof(const heap_profile& profile) {
  return gzip_compress(heap_writer().encode(profile));
}

void write_heap_pprof(const heap_profile& profile, const std::string& path) {
  const std::string data = encode_heap_pprof(profile);
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(tmp + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error(tmp + ": " + std::strerror(error));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error(path + ": " + std::strerror(error));
  }
}

}  // namespace coroscope
