// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/function_names.hpp>
#include <coroscope/otlp.hpp>

#include "wire.hpp"

#include <google/protobuf/arena.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <random>
#include <stdexcept>
#include <unordered_map>

namespace coroscope {
namespace detail {

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xf]);
  }
  return out;
}

std::optional<std::string> id_from_hex(std::string_view hex, std::size_t size) {
  if (hex.size() != size * 2) return std::nullopt;
  std::string out(size, '\0');
  bool any = false;
  for (std::size_t i = 0; i < size; ++i) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, value, 16);
    if (ec != std::errc{} || ptr != hex.data() + 2 * i + 2) return std::nullopt;
    out[i] = static_cast<char>(value);
    any = any || value != 0;
  }
  if (!any) return std::nullopt;
  return out;
}

}  // namespace detail

namespace {

using namespace detail;

void hash_combine(std::size_t& seed, std::size_t value) noexcept {
  seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

struct vector_hash {
  std::size_t operator()(const std::vector<std::int32_t>& v) const noexcept {
    std::size_t seed = v.size();
    for (std::int32_t x : v) hash_combine(seed, static_cast<std::size_t>(x));
    return seed;
  }
};

std::int32_t checked_index(int size) {
  if (size >= INT32_MAX) throw std::runtime_error("OTLP: dictionary table over 2^31 entries");
  return static_cast<std::int32_t>(size);
}

std::optional<std::int64_t> as_integer(std::string_view s) {
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

void set_value(otlp_common_pb::AnyValue& out, const otlp_value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    out.set_string_value(*s);
  } else {
    out.set_int_value(std::get<std::int64_t>(value));
  }
}

// Interns everything of one request into its ProfilesDictionary. Each table starts with
// its zero value so that index 0 means "none" everywhere.
class dictionary_builder {
 public:
  explicit dictionary_builder(otlp_pb::ProfilesDictionary& d) : d_(d) {
    string("");
    d_.add_mapping_table();
    d_.add_location_table();
    d_.add_function_table();
    auto* zero_link = d_.add_link_table();
    zero_link->set_trace_id(std::string(16, '\0'));
    zero_link->set_span_id(std::string(8, '\0'));
    d_.add_attribute_table();
    d_.add_stack_table();
  }

  std::int32_t string(std::string_view s) {
    if (auto it = strings_.find(s); it != strings_.end()) return it->second;
    const std::int32_t index = checked_index(d_.string_table_size());
    std::string* stored = d_.add_string_table();
    stored->assign(s);
    strings_.emplace(*stored, index);  // views the table's string, which never moves
    return index;
  }

  std::int32_t attribute(std::string_view key, const otlp_value& value) {
    std::string id(key);
    id.push_back('\0');
    if (const auto* s = std::get_if<std::string>(&value)) {
      id += 's';
      id += *s;
    } else {
      id += 'i';
      id += std::to_string(std::get<std::int64_t>(value));
    }
    auto [it, inserted] = attributes_.try_emplace(std::move(id), 0);
    if (!inserted) return it->second;
    it->second = checked_index(d_.attribute_table_size());
    auto* kv = d_.add_attribute_table();
    kv->set_key_strindex(string(key));
    set_value(*kv->mutable_value(), value);
    return it->second;
  }

  std::int32_t link(const std::string& trace_id, const std::string& span_id) {
    auto [it, inserted] = links_.try_emplace(trace_id + span_id, 0);
    if (!inserted) return it->second;
    it->second = checked_index(d_.link_table_size());
    auto* l = d_.add_link_table();
    l->set_trace_id(trace_id);
    l->set_span_id(span_id);
    return it->second;
  }

  std::int32_t stack(const std::vector<std::int32_t>& locations) {
    auto [it, inserted] = stacks_.try_emplace(locations, 0);
    if (!inserted) return it->second;
    it->second = checked_index(d_.stack_table_size());
    d_.add_stack_table()->mutable_location_indices()->Add(locations.begin(), locations.end());
    return it->second;
  }

  std::int32_t location(const frame& f) {
    location_key key{f.module, f.address, f.function, f.file, f.line, f.is_task_frame};
    auto [it, inserted] = locations_.try_emplace(key, 0);
    if (!inserted) return it->second;
    it->second = checked_index(d_.location_table_size());
    auto* loc = d_.add_location_table();
    if (f.address != 0) {
      loc->set_address(f.address);
      if (!f.module.empty()) loc->set_mapping_index(mapping(f));
    }
    if (!f.function.empty() || !f.file.empty() || f.line != 0) {
      auto* line = loc->add_lines();
      line->set_function_index(function(f));
      line->set_line(f.line);
    }
    return it->second;
  }

  // Addresses are module-relative, so a mapping spans [0, highest address seen].
  void finish() {
    for (auto& [module, m] : mappings_) {
      otlp_pb::Mapping& out = *d_.mutable_mapping_table(m.index);
      out.set_memory_start(0);
      out.set_memory_limit(m.max_address + 1);
      out.set_file_offset(0);
    }
  }

 private:
  struct location_key {
    std::string_view module;
    std::uint64_t address;
    std::string_view function;
    std::string_view file;
    std::uint32_t line;
    bool is_task;
    bool operator==(const location_key&) const = default;
  };
  struct location_key_hash {
    std::size_t operator()(const location_key& k) const noexcept {
      std::size_t seed = std::hash<std::string_view>{}(k.function);
      hash_combine(seed, std::hash<std::string_view>{}(k.module));
      hash_combine(seed, std::hash<std::string_view>{}(k.file));
      hash_combine(seed, std::hash<std::uint64_t>{}(k.address));
      hash_combine(seed, k.line * 2u + (k.is_task ? 1u : 0u));
      return seed;
    }
  };
  struct mapping_info {
    int index = 0;
    std::uint64_t max_address = 0;
  };

  std::int32_t function(const frame& f) {
    std::string key = f.function;
    key.push_back('\0');
    key += f.file;
    key.push_back(f.is_task_frame ? 't' : 'c');
    auto [it, inserted] = functions_.try_emplace(std::move(key), 0);
    if (!inserted) return it->second;
    it->second = checked_index(d_.function_table_size());
    auto* fn = d_.add_function_table();
    if (f.is_task_frame) {
      fn->set_name_strindex(string(f.function));
      fn->set_system_name_strindex(string(std::string(task_system_name_prefix) + f.function));
    } else {
      // The short form is what viewers show; the full signature is the system name.
      fn->set_name_strindex(string(short_function_name(f.function)));
      fn->set_system_name_strindex(string(f.function));
    }
    fn->set_filename_strindex(string(f.file));
    return it->second;
  }

  std::int32_t mapping(const frame& f) {
    auto [it, inserted] = mappings_.try_emplace(f.module);
    mapping_info& info = it->second;
    if (inserted) {
      info.index = checked_index(d_.mapping_table_size());
      d_.add_mapping_table()->set_filename_strindex(string(f.module));
    }
    otlp_pb::Mapping& m = *d_.mutable_mapping_table(info.index);
    if (m.attribute_indices_size() == 0 && !f.build_id.empty())
      m.add_attribute_indices(attribute(build_id_attribute, f.build_id));
    info.max_address = std::max(info.max_address, f.address);
    return info.index;
  }

  otlp_pb::ProfilesDictionary& d_;
  std::unordered_map<std::string_view, std::int32_t> strings_;
  std::unordered_map<std::string, std::int32_t> attributes_;
  std::unordered_map<std::string, std::int32_t> links_;
  std::unordered_map<std::string, std::int32_t> functions_;
  std::unordered_map<std::string, mapping_info> mappings_;
  std::unordered_map<std::vector<std::int32_t>, std::int32_t, vector_hash> stacks_;
  std::unordered_map<location_key, std::int32_t, location_key_hash> locations_;
};

// The attribute indices of a sample's labels, sorted, so equal label sets compare equal.
std::vector<std::int32_t> sample_attributes(const sample& s, dictionary_builder& dict) {
  std::vector<std::int32_t> indices;
  std::vector<std::string_view> seen;  // attribute keys already set (thread.name once)
  for (const auto& [label, value] : s.labels) {
    if (label == "trace_id" || label == "span_id") continue;
    std::string_view key = label;
    bool integer = false;
    for (const label_attribute& la : label_attributes) {
      if (la.label == label) {
        key = la.attribute;
        integer = la.integer;
        break;
      }
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    std::optional<std::int64_t> number = integer ? as_integer(value) : std::nullopt;
    indices.push_back(number ? dict.attribute(key, *number) : dict.attribute(key, value));
  }
  std::sort(indices.begin(), indices.end());
  return indices;
}

std::int32_t sample_link(const sample& s, dictionary_builder& dict) {
  auto trace = s.labels.find("trace_id");
  auto span = s.labels.find("span_id");
  if (trace == s.labels.end() || span == s.labels.end()) return 0;
  auto trace_id = id_from_hex(trace->second, 16);
  auto span_id = id_from_hex(span->second, 8);
  if (!trace_id || !span_id) return 0;
  return dict.link(*trace_id, *span_id);
}

std::string random_profile_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string id(16, '\0');
  for (std::size_t i = 0; i < id.size(); i += 8) {
    std::uint64_t r = rng();
    for (std::size_t b = 0; b < 8; ++b) id[i + b] = static_cast<char>(r >> (8 * b));
  }
  if (id == std::string(16, '\0')) id[15] = 1;  // all zero is invalid
  return id;
}

}  // namespace

std::string encode_otlp_request(const cpu_profile& profile, const otlp_resource& resource) {
  check_stacks(profile);
  google::protobuf::Arena arena;
  auto* request =
      google::protobuf::Arena::CreateMessage<otlp_collector_pb::ExportProfilesServiceRequest>(&arena);
  dictionary_builder dict(*request->mutable_dictionary());

  auto* rp = request->add_resource_profiles();
  for (const otlp_attribute& a : resource.attributes) {
    auto* kv = rp->mutable_resource()->add_attributes();
    kv->set_key(a.key);
    set_value(*kv->mutable_value(), a.value);
  }
  auto* sp = rp->add_scope_profiles();
  sp->mutable_scope()->set_name(resource.scope_name);
  sp->mutable_scope()->set_version(resource.scope_version);

  otlp_pb::Profile& p = *sp->add_profiles();
  p.mutable_sample_type()->set_type_strindex(dict.string("samples"));
  p.mutable_sample_type()->set_unit_strindex(dict.string("count"));
  p.mutable_period_type()->set_type_strindex(dict.string("cpu"));
  p.mutable_period_type()->set_unit_strindex(dict.string("nanoseconds"));
  p.set_period(profile.period_ns);
  p.set_time_unix_nano(profile.start_ns);
  p.set_duration_nano(profile.duration_ns);
  p.set_profile_id(random_profile_id());

  // Samples sharing stack, attributes and link become one OTLP Sample. Timestamped ones
  // keep one (value, timestamp) pair per event; the others are summed into one value
  // (the spec wants values and timestamps of equal length, so the two never mix).
  std::unordered_map<std::string, otlp_pb::Sample*> merged;
  std::vector<std::int32_t> locations;
  std::vector<std::int32_t> location_of_frame(profile.frames.size(), -1);  // by frame index
  std::string key;
  for (const sample& s : profile.samples) {
    locations.clear();
    for (const std::uint32_t f : s.stack) {
      std::int32_t& location = location_of_frame[f];
      if (location < 0) location = dict.location(profile.frames[f]);
      locations.push_back(location);
    }
    const std::int32_t stack = dict.stack(locations);
    const std::vector<std::int32_t> attributes = sample_attributes(s, dict);
    const std::int32_t link = sample_link(s, dict);
    const bool timed = s.timestamp_ns != 0;

    key.assign(reinterpret_cast<const char*>(&stack), sizeof stack);
    key.append(reinterpret_cast<const char*>(&link), sizeof link);
    key.push_back(timed ? 't' : 'v');
    key.append(reinterpret_cast<const char*>(attributes.data()), attributes.size() * sizeof(std::int32_t));
    auto [it, inserted] = merged.try_emplace(key, nullptr);
    if (inserted) {
      it->second = p.add_samples();
      it->second->set_stack_index(stack);
      it->second->mutable_attribute_indices()->Add(attributes.begin(), attributes.end());
      it->second->set_link_index(link);
    }
    otlp_pb::Sample& out = *it->second;
    if (timed) {
      out.add_values(s.count);
      out.add_timestamps_unix_nano(s.timestamp_ns);
    } else if (out.values_size() == 0) {
      out.add_values(s.count);
    } else {
      out.set_values(0, out.values(0) + s.count);
    }
  }
  dict.finish();

  std::string bytes;
  if (!request->SerializeToString(&bytes)) throw std::runtime_error("OTLP: cannot serialize request");
  return bytes;
}

}  // namespace coroscope
