// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Heap profiles as pprof. Compiled into coroscope::exporter (see sampler/heap/CMakeLists.txt)
// for pprof's generated code and the exporter's gzip helpers.
#include <coroscope/heap_profile.hpp>

#include "gzip.hpp"
#include "profile.pb.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_map>

namespace coroscope {
namespace {

namespace pb = perftools::profiles;

constexpr const char* kSampleTypes[4][2] = {
    {"alloc_objects", "count"}, {"alloc_space", "bytes"}, {"inuse_objects", "count"}, {"inuse_space", "bytes"}};
constexpr const char* kAgeLabel = "oldest_age";
// A task frame keeps its kind through a system name with this prefix (as the CPU encoder).
constexpr std::string_view kTaskPrefix = "coroscope.task:";

class heap_encoder {
 public:
  explicit heap_encoder(pb::Profile& out) : out_(out) { intern(""); }

  void encode(const heap_profile& profile) {
    for (const auto& [type, unit] : kSampleTypes) {
      pb::ValueType* t = out_.add_sample_type();
      t->set_type(intern(type));
      t->set_unit(intern(unit));
    }
    out_.mutable_period_type()->set_type(intern("space"));
    out_.mutable_period_type()->set_unit(intern("bytes"));
    out_.set_period(profile.sample_interval);
    out_.set_time_nanos(static_cast<std::int64_t>(profile.time_ns));
    out_.set_duration_nanos(static_cast<std::int64_t>(profile.duration_ns));
    out_.set_default_sample_type(intern("inuse_space"));
    for (const heap_sample& s : profile.samples) {
      pb::Sample* sample = out_.add_sample();
      for (const frame& f : s.stack) sample->add_location_id(location_id(f));
      sample->add_value(s.alloc_objects);
      sample->add_value(s.alloc_space);
      sample->add_value(s.inuse_objects);
      sample->add_value(s.inuse_space);
      for (const auto& [key, value] : s.labels) {
        pb::Label* label = sample->add_label();
        label->set_key(intern(key));
        label->set_str(intern(value));
      }
      if (s.oldest_alloc_ns != 0) {
        pb::Label* label = sample->add_label();
        label->set_key(intern(kAgeLabel));
        const std::uint64_t age = profile.time_ns > s.oldest_alloc_ns ? profile.time_ns - s.oldest_alloc_ns : 0;
        label->set_num(static_cast<std::int64_t>(age));
        label->set_num_unit(intern("nanoseconds"));
      }
    }
    for (auto& [module, entry] : mappings_) entry.first->set_memory_limit(entry.second + 1);
  }

 private:
  std::int64_t intern(std::string_view s) {
    if (auto it = strings_.find(std::string(s)); it != strings_.end()) return it->second;
    const auto id = static_cast<std::int64_t>(out_.string_table_size());
    out_.add_string_table(std::string(s));
    strings_.emplace(std::string(s), id);
    return id;
  }

  std::uint64_t function_id(const frame& f) {
    auto key = std::make_tuple(f.function, f.file, f.is_task_frame);
    if (auto it = functions_.find(key); it != functions_.end()) return it->second;
    pb::Function* fn = out_.add_function();
    fn->set_id(static_cast<std::uint64_t>(out_.function_size()));
    fn->set_name(intern(f.function));
    fn->set_system_name(f.is_task_frame ? intern(std::string(kTaskPrefix) + f.function) : fn->name());
    fn->set_filename(intern(f.file));
    functions_.emplace(std::move(key), fn->id());
    return fn->id();
  }

  std::uint64_t mapping_id(const frame& f) {
    auto [it, inserted] = mappings_.try_emplace(f.module, nullptr, 0);
    if (inserted) {
      pb::Mapping* m = out_.add_mapping();
      m->set_id(static_cast<std::uint64_t>(out_.mapping_size()));
      m->set_filename(intern(f.module));
      m->set_build_id(intern(f.build_id));
      m->set_has_functions(true);
      m->set_has_filenames(true);
      m->set_has_line_numbers(true);
      it->second.first = m;
    }
    if (f.address > it->second.second) it->second.second = f.address;
    return it->second.first->id();
  }

  std::uint64_t location_id(const frame& f) {
    auto key = std::make_tuple(f.module, f.address, f.function, f.file, f.line, f.is_task_frame);
    if (auto it = locations_.find(key); it != locations_.end()) return it->second;
    pb::Location* loc = out_.add_location();
    loc->set_id(static_cast<std::uint64_t>(out_.location_size()));
    if (f.address != 0) {
      loc->set_address(f.address);
      if (!f.module.empty()) loc->set_mapping_id(mapping_id(f));
    }
    if (!f.function.empty() || !f.file.empty()) {
      pb::Line* line = loc->add_line();
      line->set_function_id(function_id(f));
      line->set_line(f.line);
    }
    locations_.emplace(std::move(key), loc->id());
    return loc->id();
  }

  pb::Profile& out_;
  std::unordered_map<std::string, std::int64_t> strings_;
  std::map<std::tuple<std::string, std::string, bool>, std::uint64_t> functions_;
  std::map<std::string, std::pair<pb::Mapping*, std::uint64_t>> mappings_;
  std::map<std::tuple<std::string, std::uint64_t, std::string, std::string, std::uint32_t, bool>, std::uint64_t>
      locations_;
};

[[noreturn]] void fail(const std::string& why) { throw std::runtime_error("not a heap profile: " + why); }

}  // namespace

std::string encode_heap_pprof(const heap_profile& profile) {
  pb::Profile out;
  heap_encoder(out).encode(profile);
  std::string raw;
  if (!out.SerializeToString(&raw)) throw std::runtime_error("heap profile: protobuf serialization failed");
  return detail::gzip_compress(raw);
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

heap_profile decode_heap_pprof(std::string_view gzipped_or_raw) {
  if (gzipped_or_raw.empty()) fail("empty input");
  std::string raw;
  try {
    raw = detail::is_gzip(gzipped_or_raw) ? detail::gzip_decompress(gzipped_or_raw) : std::string(gzipped_or_raw);
  } catch (const std::exception& e) {
    fail(e.what());
  }
  pb::Profile in;
  if (!in.ParseFromString(raw)) fail("corrupt protobuf");
  const int strings = in.string_table_size();
  auto str = [&](std::int64_t i) -> const std::string& {
    if (i < 0 || i >= strings) fail("string index out of range");
    return in.string_table(static_cast<int>(i));
  };
  int index[4] = {-1, -1, -1, -1};
  for (int i = 0; i < in.sample_type_size(); ++i)
    for (int k = 0; k < 4; ++k)
      if (str(in.sample_type(i).type()) == kSampleTypes[k][0]) index[k] = i;
  for (int k = 0; k < 4; ++k)
    if (index[k] < 0) fail(std::string("no ") + kSampleTypes[k][0] + " sample type");

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
      f.is_task_frame = str(it->second->system_name()).starts_with(kTaskPrefix);
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
      if (key == kAgeLabel) {
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
