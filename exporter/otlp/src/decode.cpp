// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/function_names.hpp>
#include <coroscope/otlp.hpp>

#include "wire.hpp"

#include <google/protobuf/arena.h>

#include <climits>
#include <stdexcept>
#include <unordered_map>

namespace coroscope {
namespace {

using namespace detail;

[[noreturn]] void not_otlp(const std::string& why) {
  throw std::runtime_error("not an OTLP profiles request: " + why);
}

otlp_value any_to_value(const otlp_common_pb::AnyValue& v) {
  switch (v.value_case()) {
    case otlp_common_pb::AnyValue::kStringValue: return v.string_value();
    case otlp_common_pb::AnyValue::kIntValue: return v.int_value();
    case otlp_common_pb::AnyValue::kBoolValue: return std::string(v.bool_value() ? "true" : "false");
    case otlp_common_pb::AnyValue::kDoubleValue: return std::to_string(v.double_value());
    case otlp_common_pb::AnyValue::kBytesValue: return to_hex(v.bytes_value());
    default: return std::string();  // arrays and maps: not ours, shown empty
  }
}

std::string value_text(const otlp_value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return std::to_string(std::get<std::int64_t>(v));
}

template <typename Table>
const typename Table::value_type& at(const Table& table, std::int32_t index, const char* what) {
  if (index < 0 || index >= table.size())
    not_otlp(std::string(what) + " index " + std::to_string(index) + " outside its table of " +
             std::to_string(table.size()));
  return table.Get(index);
}

// Resolves indices into one request's dictionary, rejecting anything out of range.
class dictionary_reader {
 public:
  explicit dictionary_reader(const otlp_pb::ProfilesDictionary& d) : d_(d) {
    if (d_.string_table_size() == 0 || !d_.string_table(0).empty())
      not_otlp("string_table[0] must be \"\"");
  }

  const std::string& str(std::int32_t i) const { return at(d_.string_table(), i, "string"); }

  std::string value_type(const otlp_pb::ValueType& t) const {
    return str(t.type_strindex()) + "/" + str(t.unit_strindex());
  }

  const otlp_pb::Stack& stack(std::int32_t index) const { return at(d_.stack_table(), index, "stack"); }

  // Appends the frames of a location to a frame table; inlined lines are already callee
  // first.
  void append_frames(std::int32_t location_index, std::vector<frame>& out) const {
    const otlp_pb::Location& loc = at(d_.location_table(), location_index, "location");
    frame base;
    base.address = loc.address();
    if (loc.mapping_index() != 0) {
      const otlp_pb::Mapping& m = at(d_.mapping_table(), loc.mapping_index(), "mapping");
      base.module = str(m.filename_strindex());
      for (std::int32_t ai : m.attribute_indices()) {
        const auto& kv = at(d_.attribute_table(), ai, "attribute");
        if (str(kv.key_strindex()) == build_id_attribute)
          base.build_id = value_text(any_to_value(kv.value()));
      }
    }
    if (loc.lines_size() == 0) {
      out.push_back(std::move(base));
      return;
    }
    for (const otlp_pb::Line& line : loc.lines()) {
      frame& f = out.emplace_back(base);
      f.line = static_cast<std::uint32_t>(line.line());
      if (line.function_index() == 0) continue;
      const otlp_pb::Function& fn = at(d_.function_table(), line.function_index(), "function");
      f.is_task_frame = str(fn.system_name_strindex()).starts_with(task_system_name_prefix);
      f.function = function_of(line.function_index(), fn);
      f.file = str(fn.filename_strindex());
    }
  }

  void add_attribute_labels(std::int32_t index, std::map<std::string, std::string>& labels) const {
    const auto& kv = at(d_.attribute_table(), index, "attribute");
    std::string key = str(kv.key_strindex());
    for (const label_attribute& la : label_attributes) {
      if (la.attribute == key) {
        key = std::string(la.label);  // the first listed label name is the canonical one
        break;
      }
    }
    labels.insert_or_assign(std::move(key), value_text(any_to_value(kv.value())));
  }

  void add_link_labels(std::int32_t index, std::map<std::string, std::string>& labels) const {
    if (index == 0) return;
    const otlp_pb::Link& link = at(d_.link_table(), index, "link");
    labels["trace_id"] = to_hex(link.trace_id());
    labels["span_id"] = to_hex(link.span_id());
  }

 private:
  // The model's name of a Function (the system name when the name is its short form),
  // worked out once per Function: many lines name the same one.
  const std::string& function_of(std::int32_t index, const otlp_pb::Function& fn) const {
    auto it = function_names_.find(index);
    if (it != function_names_.end()) return it->second;
    const std::string& name = str(fn.name_strindex());
    const std::string& system_name = str(fn.system_name_strindex());
    std::string function =
        system_name.starts_with(task_system_name_prefix) ? name : function_from_profile(name, system_name);
    return function_names_.emplace(index, std::move(function)).first->second;
  }

  const otlp_pb::ProfilesDictionary& d_;
  mutable std::unordered_map<std::int32_t, std::string> function_names_;
};

otlp_decoded_profile decode_profile(const otlp_pb::Profile& p, const otlp_resource& resource,
                                    const dictionary_reader& dict) {
  otlp_decoded_profile out;
  out.resource = resource;
  out.sample_type = dict.value_type(p.sample_type());
  out.period_type = dict.value_type(p.period_type());
  out.profile_id = to_hex(p.profile_id());
  out.profile.period_ns = p.period();
  out.profile.start_ns = p.time_unix_nano();
  out.profile.duration_ns = p.duration_nano();
  // A location's frames go into the profile's frame table once, side by side: [first, end).
  std::unordered_map<std::int32_t, std::pair<std::uint32_t, std::uint32_t>> frames_of_location;
  for (const otlp_pb::Sample& in : p.samples()) {
    if (in.values_size() > 0 && in.timestamps_unix_nano_size() > 0 &&
        in.values_size() != in.timestamps_unix_nano_size())
      not_otlp("sample has " + std::to_string(in.values_size()) + " values but " +
               std::to_string(in.timestamps_unix_nano_size()) + " timestamps");
    sample proto;
    for (const std::int32_t location : dict.stack(in.stack_index()).location_indices()) {
      auto [range, inserted] = frames_of_location.try_emplace(location);
      if (inserted) {
        range->second.first = static_cast<std::uint32_t>(out.profile.frames.size());
        dict.append_frames(location, out.profile.frames);
        range->second.second = static_cast<std::uint32_t>(out.profile.frames.size());
      }
      for (std::uint32_t f = range->second.first; f < range->second.second; ++f) proto.stack.push_back(f);
    }
    for (std::int32_t ai : in.attribute_indices()) dict.add_attribute_labels(ai, proto.labels);
    dict.add_link_labels(in.link_index(), proto.labels);
    // One model sample per event; timestamps without values count 1 each.
    const int events = std::max(in.values_size(), in.timestamps_unix_nano_size());
    for (int i = 0; i < events; ++i) {
      sample& s = out.profile.samples.emplace_back(proto);
      s.count = in.values_size() > 0 ? in.values(i) : 1;
      s.cpu_ns = s.count * p.period();
      s.timestamp_ns = in.timestamps_unix_nano_size() > 0 ? in.timestamps_unix_nano(i) : 0;
    }
  }
  return out;
}

}  // namespace

std::vector<otlp_decoded_profile> decode_otlp_request(std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) not_otlp("larger than 2 GiB");
  google::protobuf::Arena arena;
  auto* request =
      google::protobuf::Arena::CreateMessage<otlp_collector_pb::ExportProfilesServiceRequest>(&arena);
  if (!request->ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    not_otlp("protobuf parse failed");
  const dictionary_reader dict(request->dictionary());

  std::vector<otlp_decoded_profile> out;
  for (const otlp_pb::ResourceProfiles& rp : request->resource_profiles()) {
    otlp_resource resource;
    for (const otlp_common_pb::KeyValue& kv : rp.resource().attributes())
      resource.set(kv.key(), any_to_value(kv.value()));
    for (const otlp_pb::ScopeProfiles& sp : rp.scope_profiles()) {
      resource.scope_name = sp.scope().name();
      resource.scope_version = sp.scope().version();
      for (const otlp_pb::Profile& p : sp.profiles()) out.push_back(decode_profile(p, resource, dict));
    }
  }
  return out;
}

}  // namespace coroscope
