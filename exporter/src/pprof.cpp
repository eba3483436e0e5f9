// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/function_names.hpp>
#include <coroscope/gzip.hpp>
#include <coroscope/pprof.hpp>

#include "flat_hash_slots.hpp"
#include "pprof_input.hpp"
#include "radix_sort.hpp"
#include "short_strings.hpp"
#include "varint_table.hpp"
#include "profile.pb.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace coroscope {
namespace {

namespace pb = perftools::profiles;

// A task frame is stored as a Function whose system_name is this prefix + the task name;
// pprof shows `name`, so viewers see the plain task name. Other functions have their
// short name (coroscope/function_names.hpp) as `name` and the full one as `system_name`.
constexpr std::string_view task_system_name_prefix = "coroscope.task:";

void hash_combine(std::size_t& seed, std::size_t value) noexcept {
  seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

// Interns strings into the profile's string table; index 0 is always "".
// The views are of the table's own strings, which protobuf never moves once added.
class string_table {
 public:
  explicit string_table(pb::Profile& out) : out_(out) { intern(""); }

  std::int64_t intern(std::string_view s) {
    const std::uint64_t hash = detail::short_string_hash(s);
    const auto same = [&](std::int64_t i) { return views_[static_cast<std::size_t>(i)] == s; };
    if (const std::int64_t* id = index_.find(hash, same)) return *id;
    auto id = static_cast<std::int64_t>(views_.size());
    std::string* stored = out_.add_string_table();
    stored->assign(s);
    views_.emplace_back(*stored);
    index_.insert(hash, id);
    return id;
  }

  /// The string at `index` (a result of `intern`).
  std::string_view view(std::int64_t index) const { return views_[static_cast<std::size_t>(index)]; }

 private:
  pb::Profile& out_;
  std::vector<std::string_view> views_;
  detail::flat_hash_slots<std::int64_t> index_;
};

struct function_key {
  std::string_view name;
  std::string_view file;
  bool is_task = false;
  bool operator==(const function_key&) const = default;
};

struct function_key_hash {
  std::size_t operator()(const function_key& k) const noexcept {
    std::size_t seed = detail::sampled_string_hash(k.name);
    hash_combine(seed, detail::sampled_string_hash(k.file));
    hash_combine(seed, k.is_task ? 1 : 0);
    return seed;
  }
};

// A location is one frame: its address within its module, plus what it symbolizes to
// (so a module-less, address-less frame is keyed by function/file/line alone).
struct location_key {
  std::string_view module;
  std::uint64_t address = 0;
  function_key function;
  std::uint32_t line = 0;
  bool operator==(const location_key&) const = default;
};

struct location_key_hash {
  std::size_t operator()(const location_key& k) const noexcept {
    std::size_t seed = function_key_hash{}(k.function);
    hash_combine(seed, detail::sampled_string_hash(k.module));
    hash_combine(seed, std::hash<std::uint64_t>{}(k.address));
    hash_combine(seed, k.line);
    return seed;
  }
};

// Builds a pprof profile: the tables (strings, functions, locations, mappings) and the
// scalars into the Profile message `out` (arena-allocated by the caller), the samples into
// a compact table of their own that `write_samples` writes after the Profile. Samples with
// the same stack and labels are merged into one pprof Sample with summed values, as Go's
// profile builder does; pprof carries no timestamps.
//
// Each entry of the profile's frame table is looked at once: the first sample to name it
// finds its location through the tables keyed by the frame's strings (so equal frames at
// different indices share a location), later ones take the location from a vector
// indexed by the frame's index.
class pprof_encoder {
 public:
  explicit pprof_encoder(pb::Profile& out) : out_(out), strings_(out) {}

  void encode(const cpu_profile& profile) {
    auto* count_type = out_.add_sample_type();
    count_type->set_type(strings_.intern("samples"));
    count_type->set_unit(strings_.intern("count"));
    auto* cpu_type = out_.add_sample_type();
    cpu_type->set_type(strings_.intern("cpu"));
    cpu_type->set_unit(strings_.intern("nanoseconds"));
    out_.mutable_period_type()->set_type(cpu_type->type());
    out_.mutable_period_type()->set_unit(cpu_type->unit());
    out_.set_period(profile.period_ns);
    out_.set_time_nanos(static_cast<std::int64_t>(profile.start_ns));
    out_.set_duration_nanos(static_cast<std::int64_t>(profile.duration_ns));

    if (!profile.main_module.empty()) mapping_for(profile.main_module);
    profile_ = &profile;
    location_by_frame_.assign(profile.frames.size(), 0);

    // Sized once: the ids of every sample, as if none merged (each id is 4 bytes, so a
    // profile's worth stays a small part of the profile it encodes).
    std::size_t total_ids = 0;
    for (const sample& s : profile.samples) total_ids += s.stack.size() + 2 * s.labels.size();
    ids_ = std::make_unique_for_overwrite<std::uint32_t[]>(total_ids);
    samples_.reserve(profile.samples.size());
    index_.reserve(profile.samples.size());
    std::size_t used = 0;
    for (const sample& s : profile.samples) {
      const std::size_t first = used;
      std::uint32_t* out = ids_.get() + first;
      for (const std::uint32_t f : s.stack) *out++ = location_id(f);
      std::size_t position = 0;
      for (const auto& [label_key, label_value] : s.labels) {
        *out++ = label_key_id(position++, label_key);
        *out++ = static_cast<std::uint32_t>(strings_.intern(label_value));
      }
      const std::span<const std::uint32_t> ids{ids_.get() + first, out};
      samples_.push_back({first, ids.size(), s.stack.size(), s.count, s.cpu_ns, ids_hash(ids, s.stack.size())});
      used += ids.size();
    }
    merge_samples();
    finish_mappings();
    order_samples();
  }

  // Writes the samples at `out`, each as one more element of the Profile's `sample` field
  // after the Profile's other fields (a message's fields may come in any order, and a
  // repeated field's elements append); returns the end of what it wrote, at most
  // `samples_size_bound()` bytes on. Written with protobuf's wire-format encoders
  // rather than through a Sample message: the same bytes as the generated code writes
  // (proto3: zero scalars left out, repeated scalars packed), without its size pass over
  // every message and field first (half of all serialization's instructions), and
  // straight into memory (no stream to check for room at every varint).
  std::uint8_t* write_samples(std::uint8_t* out) const {
    const detail::varint_table location_varints(static_cast<std::size_t>(out_.location_size()) + 1);
    for (std::size_t k = 0; k < order_.size(); ++k) {
      prefetch_sample(k + 8, k + 16);
      const merged_sample& m = samples_[order_[k].index];
      const std::span<const std::uint32_t> ids = ids_of(m);
      const std::span<const std::uint32_t> locations = ids.first(m.locations);
      const std::span<const std::uint32_t> labels = ids.subspan(m.locations);  // key, str, key, str...

      // Sizes first: each length-delimited field starts with its length.
      const std::uint32_t location_bytes = location_varints.size(locations);
      const auto value_bytes = static_cast<std::uint32_t>(coded::VarintSize64(static_cast<std::uint64_t>(m.count)) +
                                                          coded::VarintSize64(static_cast<std::uint64_t>(m.cpu_ns)));
      std::uint32_t sample_bytes = field_size(value_bytes);
      if (!locations.empty()) sample_bytes += field_size(location_bytes);
      for (std::size_t i = 0; i + 1 < labels.size(); i += 2) sample_bytes += field_size(label_size(labels[i], labels[i + 1]));

      out = coded::WriteTagToArray(kProfileSample, out);
      out = coded::WriteVarint32ToArray(sample_bytes, out);
      if (!locations.empty()) {
        out = coded::WriteTagToArray(kSampleLocationId, out);
        out = coded::WriteVarint32ToArray(location_bytes, out);
        out = location_varints.write(locations, out);
      }
      out = coded::WriteTagToArray(kSampleValue, out);
      out = coded::WriteVarint32ToArray(value_bytes, out);
      out = coded::WriteVarint64ToArray(static_cast<std::uint64_t>(m.count), out);
      out = coded::WriteVarint64ToArray(static_cast<std::uint64_t>(m.cpu_ns), out);
      for (std::size_t i = 0; i + 1 < labels.size(); i += 2) out = write_label(labels[i], labels[i + 1], out);
    }
    return out;
  }

  // At least as many bytes as write_samples writes, from the samples' sizes alone: each
  // is a tag and a length (1 + 5 bytes: a Sample is under 2 GiB), then the packed
  // location ids (1 + 5, then at most 5 a 32-bit id), the two values (1 + 1 + 2 x 10)
  // and each label (1 + 1, then key and str: 1 + 5 each); and the scratch bytes the
  // last location id's write may leave past the end.
  std::size_t samples_size_bound() const {
    std::size_t bound = detail::varint_table::kSlack;
    for (const sample_order& o : order_) {
      const merged_sample& m = samples_[o.index];
      const std::size_t labels = (m.size - m.locations) / 2;
      bound += 6 + 6 + 5 * m.locations + 22 + 14 * labels;
    }
    return bound;
  }

 private:
  // Tags of the fields write_samples writes: field numbers from the generated code (so
  // from profile.proto), wire types as the generated code writes them (packed varints for
  // the repeated scalars, a varint for each scalar).
  using wire = google::protobuf::internal::WireFormatLite;
  using coded = google::protobuf::io::CodedOutputStream;
  static constexpr std::uint32_t kProfileSample =
      wire::MakeTag(pb::Profile::kSampleFieldNumber, wire::WIRETYPE_LENGTH_DELIMITED);
  static constexpr std::uint32_t kSampleLocationId =
      wire::MakeTag(pb::Sample::kLocationIdFieldNumber, wire::WIRETYPE_LENGTH_DELIMITED);
  static constexpr std::uint32_t kSampleValue =
      wire::MakeTag(pb::Sample::kValueFieldNumber, wire::WIRETYPE_LENGTH_DELIMITED);
  static constexpr std::uint32_t kSampleLabel =
      wire::MakeTag(pb::Sample::kLabelFieldNumber, wire::WIRETYPE_LENGTH_DELIMITED);
  static constexpr std::uint32_t kLabelKey = wire::MakeTag(pb::Label::kKeyFieldNumber, wire::WIRETYPE_VARINT);
  static constexpr std::uint32_t kLabelStr = wire::MakeTag(pb::Label::kStrFieldNumber, wire::WIRETYPE_VARINT);
  static_assert(kProfileSample < 128 && kSampleLabel < 128 && kLabelStr < 128, "one-byte tags (field_size)");

  // A length-delimited field of `bytes` bytes: tag (one byte for these), length, bytes.
  static std::uint32_t field_size(std::uint32_t bytes) {
    return 1 + static_cast<std::uint32_t>(coded::VarintSize32(bytes)) + bytes;
  }

  // A Label field at `out`: key and str, each left out when 0 (proto3). Returns its end.
  static std::uint8_t* write_label(std::uint32_t key, std::uint32_t str, std::uint8_t* out) {
    out = coded::WriteTagToArray(kSampleLabel, out);
    out = coded::WriteVarint32ToArray(label_size(key, str), out);
    if (key != 0) {
      out = coded::WriteTagToArray(kLabelKey, out);
      out = coded::WriteVarint32ToArray(key, out);
    }
    if (str != 0) {
      out = coded::WriteTagToArray(kLabelStr, out);
      out = coded::WriteVarint32ToArray(str, out);
    }
    return out;
  }

  // The samples are written out of their stored order: asks the cache for the ids of the
  // one at order_[ids_at] and for the sample at order_[sample_at], ahead of their turn.
  void prefetch_sample(std::size_t ids_at, std::size_t sample_at) const {
    if (ids_at < order_.size()) {
      const merged_sample& ahead = samples_[order_[ids_at].index];
      __builtin_prefetch(ids_.get() + ahead.first);
      __builtin_prefetch(ids_.get() + ahead.first + 16);
      __builtin_prefetch(ids_.get() + ahead.first + 32);
    }
    if (sample_at < order_.size()) __builtin_prefetch(&samples_[order_[sample_at].index]);
  }

  // A Label's bytes: key and str, each left out when 0 (proto3).
  static std::uint32_t label_size(std::uint32_t key, std::uint32_t str) {
    return (key != 0 ? 1 + static_cast<std::uint32_t>(coded::VarintSize32(key)) : 0) +
           (str != 0 ? 1 + static_cast<std::uint32_t>(coded::VarintSize32(str)) : 0);
  }

  // What pprof's Mapping.has_* flags claim: true only when every location agrees.
  struct mapping_info {
    pb::Mapping* mapping = nullptr;
    std::uint64_t max_address = 0;
    bool has_functions = true;
    bool has_filenames = true;
    bool has_line_numbers = true;
  };

  // A sample: its ids in ids_ (location ids, then label key and value string indices)
  // and its values, which the first of equal samples sums (merge_samples).
  struct merged_sample {
    std::size_t first = 0;
    std::size_t size = 0;
    std::size_t locations = 0;
    std::int64_t count = 0;
    std::int64_t cpu_ns = 0;
    std::uint64_t hash = 0;  // of its ids
    bool kept = true;        // false once merged into an earlier equal sample
  };

  // Merges equal samples into the first of them, once all are gathered: the merge table
  // is probed in a pass of its own so that each probe's slot is asked for a few samples
  // ahead (one cache miss per sample otherwise).
  void merge_samples() {
    constexpr std::size_t ahead = 8;
    for (std::size_t i = 0; i < samples_.size(); ++i) {
      if (i + ahead < samples_.size()) index_.prefetch(samples_[i + ahead].hash);
      merged_sample& m = samples_[i];
      const std::span<const std::uint32_t> ids = ids_of(m);
      const auto same = [&](std::size_t j) {
        const std::span<const std::uint32_t> other = ids_of(samples_[j]);
        return samples_[j].locations == m.locations && std::equal(other.begin(), other.end(), ids.begin(), ids.end());
      };
      if (const std::size_t* into = index_.find(m.hash, same)) {
        samples_[*into].count += m.count;
        samples_[*into].cpu_ns += m.cpu_ns;
        m.kept = false;
        continue;
      }
      index_.insert(m.hash, i);
    }
  }

  // Where a sample goes in the output: pprof gives sample order no meaning, so samples
  // are written by their outermost callers (the end of the leaf-first location list),
  // up to 8 frames deep. Samples that share callers then sit side by side, and deflate
  // finds each one's caller ids and labels in the one before: on the service profile of
  // pprof_bench this makes the file 17% smaller and deflate about 15% faster, for a sort
  // of 100k 24-byte entries (a radix sort: std::sort took 105 M instructions of 643 M).
  struct sample_order {
    std::uint64_t outer = 0;  // the 4 outermost location ids, 16 bits each
    std::uint64_t inner = 0;  // the 4 after them
    std::uint32_t index = 0;  // into samples_; breaks ties, so the order is fixed
  };

  void order_samples() {
    order_.clear();
    order_.reserve(samples_.size());
    for (std::size_t i = 0; i < samples_.size(); ++i) {
      const merged_sample& m = samples_[i];
      if (!m.kept) continue;
      const std::uint32_t* locations = ids_.get() + m.first;
      std::uint64_t key[2] = {0, 0};
      for (std::size_t depth = 0; depth < 8; ++depth) {
        const std::uint64_t id = depth < m.locations ? locations[m.locations - 1 - depth] & 0xffffu : 0;
        key[depth / 4] = key[depth / 4] << 16 | id;
      }
      order_.push_back({key[0], key[1], static_cast<std::uint32_t>(i)});
    }
    // By (outer, inner, index): 8 digits of 16 bits, inner's lowest first; order_ is in
    // index order, and the sort is stable. Location ids are dense from 1, so the digits
    // stay below the location count (or 2^16).
    const std::size_t radix = std::bit_ceil(std::min<std::size_t>(static_cast<std::size_t>(out_.location_size()), 0xffff) + 1);
    std::vector<sample_order> scratch;
    detail::radix_sort(order_, scratch, 8, radix, [](const sample_order& o, std::size_t digit) {
      return static_cast<std::size_t>(((digit < 4 ? o.inner : o.outer) >> (16 * (digit % 4))) & 0xffff);
    });
  }

  // A hash of a sample's ids for the merge table, which compares the ids themselves: a
  // multiply and an add for every two ids (the table mixes the bits further).
  static std::uint64_t ids_hash(std::span<const std::uint32_t> ids, std::size_t locations) noexcept {
    constexpr std::uint64_t k = 0x9e3779b97f4a7c15ULL;
    std::uint64_t hash = locations;
    std::size_t i = 0;
    for (; i + 2 <= ids.size(); i += 2) {
      std::uint64_t pair = 0;
      std::memcpy(&pair, ids.data() + i, sizeof pair);
      hash = (hash + pair) * k;
    }
    if (i < ids.size()) hash = (hash + ids[i]) * k;
    return hash ^ (hash >> 32);
  }

  std::span<const std::uint32_t> ids_of(const merged_sample& m) const { return {ids_.get() + m.first, m.size}; }

  // A label key's string index. Samples mostly carry the same few keys in the same (the
  // map's) order, so the key at each position is first compared with the one seen there
  // last, and hashed only when it differs.
  std::uint32_t label_key_id(std::size_t position, const std::string& key) {
    if (position < recent_keys_.size()) {
      recent_key& recent = recent_keys_[position];
      if (detail::same_string(recent.text, key)) return recent.id;
      const auto id = static_cast<std::uint32_t>(strings_.intern(key));
      recent = {strings_.view(id), id};
      return id;
    }
    const auto id = static_cast<std::uint32_t>(strings_.intern(key));
    recent_keys_.push_back({strings_.view(id), id});
    return id;
  }

  std::uint64_t function_id(const frame& f) {
    function_key key{f.function, f.file, f.is_task_frame};
    auto [it, inserted] = functions_.try_emplace(key, 0);
    if (!inserted) return it->second;
    pb::Function* fn = out_.add_function();
    fn->set_id(static_cast<std::uint64_t>(out_.function_size()));
    if (f.is_task_frame) {
      fn->set_name(strings_.intern(f.function));
      fn->set_system_name(strings_.intern(std::string(task_system_name_prefix) + f.function));
    } else {
      // What viewers show is the name: the short form; the full signature stays.
      fn->set_name(strings_.intern(short_function_name(f.function)));
      fn->set_system_name(strings_.intern(f.function));
    }
    fn->set_filename(strings_.intern(f.file));
    it->second = fn->id();
    return fn->id();
  }

  // `module` must outlive the encoder (it keys the table): a string of the profile.
  mapping_info& mapping_for(std::string_view module) {
    auto [it, inserted] = mappings_.try_emplace(module);
    mapping_info& info = it->second;
    if (inserted) {
      info.mapping = out_.add_mapping();
      info.mapping->set_id(static_cast<std::uint64_t>(out_.mapping_size()));
      info.mapping->set_filename(strings_.intern(module));
    }
    return info;
  }

  std::uint64_t mapping_id(const frame& f) {
    mapping_info& info = mapping_for(f.module);
    if (info.mapping->build_id() == 0 && !f.build_id.empty())
      info.mapping->set_build_id(strings_.intern(f.build_id));
    info.max_address = std::max(info.max_address, f.address);
    info.has_functions = info.has_functions && !f.function.empty();
    info.has_filenames = info.has_filenames && !f.file.empty();
    info.has_line_numbers = info.has_line_numbers && f.line != 0;
    return info.mapping->id();
  }

  // The location of the frame at `index` of the profile's frame table.
  std::uint32_t location_id(std::uint32_t index) {
    if (index >= location_by_frame_.size()) check_stacks(*profile_);  // throws, naming the sample
    std::uint32_t& known = location_by_frame_[index];
    if (known == 0) known = location_of_strings(profile_->frames[index]);
    return known;
  }

  std::uint32_t location_of_strings(const frame& f) {
    location_key key{f.module, f.address, {f.function, f.file, f.is_task_frame}, f.line};
    auto [it, inserted] = locations_.try_emplace(key, 0);
    if (!inserted) return it->second;
    pb::Location* loc = out_.add_location();
    loc->set_id(static_cast<std::uint64_t>(out_.location_size()));
    if (f.address != 0) {
      loc->set_address(f.address);
      if (!f.module.empty()) loc->set_mapping_id(mapping_id(f));
    }
    if (!f.function.empty() || !f.file.empty() || f.line != 0) {
      pb::Line* line = loc->add_line();
      line->set_function_id(function_id(f));
      line->set_line(f.line);
    }
    it->second = static_cast<std::uint32_t>(loc->id());
    return it->second;
  }

  void finish_mappings() {
    // Addresses are module-relative, so each mapping covers [0, highest address].
    for (auto& [module, info] : mappings_) {
      info.mapping->set_memory_start(0);
      info.mapping->set_memory_limit(info.max_address + 1);
      info.mapping->set_file_offset(0);
      info.mapping->set_has_functions(info.has_functions);
      info.mapping->set_has_filenames(info.has_filenames);
      info.mapping->set_has_line_numbers(info.has_line_numbers);
    }
  }

  struct recent_key {
    std::string_view text;
    std::uint32_t id = 0;
  };

  pb::Profile& out_;
  string_table strings_;
  // Location ids and string indices: 32 bits hold any a profile can have (a protobuf
  // message stays under 2 GiB).
  std::unique_ptr<std::uint32_t[]> ids_;
  std::vector<merged_sample> samples_;  // every sample, merged ones not kept
  std::vector<sample_order> order_;  // samples_ in output order
  detail::flat_hash_slots<std::size_t> index_;  // samples_ by their ids
  const cpu_profile* profile_ = nullptr;  // the one being encoded
  std::vector<std::uint32_t> location_by_frame_;  // by frame index; 0: not seen yet
  std::vector<recent_key> recent_keys_;
  std::unordered_map<function_key, std::uint64_t, function_key_hash> functions_;
  std::unordered_map<location_key, std::uint32_t, location_key_hash> locations_;
  std::unordered_map<std::string_view, mapping_info> mappings_;
};

[[noreturn]] void not_pprof(const std::string& why) {
  throw std::runtime_error("not a pprof profile: " + why);
}

// Resolves a decoded Profile's ids and string indices, rejecting anything dangling.
class pprof_decoder {
 public:
  explicit pprof_decoder(const pb::Profile& in) : in_(in) {
    if (in_.string_table_size() == 0 || !in_.string_table(0).empty())
      not_pprof("string table must start with \"\"");
    for (const pb::Function& fn : in_.function()) {
      if (fn.id() == 0 || !functions_.emplace(fn.id(), &fn).second)
        not_pprof("function id " + std::to_string(fn.id()) + " is zero or repeated");
    }
    for (const pb::Mapping& m : in_.mapping()) {
      if (m.id() == 0 || !mappings_.emplace(m.id(), &m).second)
        not_pprof("mapping id " + std::to_string(m.id()) + " is zero or repeated");
    }
    for (const pb::Location& loc : in_.location()) {
      if (loc.id() == 0 || !locations_.emplace(loc.id(), &loc).second)
        not_pprof("location id " + std::to_string(loc.id()) + " is zero or repeated");
    }
  }

  cpu_profile decode() {
    cpu_profile out;
    out.period_ns = in_.period();
    out.start_ns = static_cast<std::uint64_t>(in_.time_nanos());
    out.duration_ns = static_cast<std::uint64_t>(in_.duration_nanos());

    int count_index = -1;
    int cpu_index = -1;
    for (int i = 0; i < in_.sample_type_size(); ++i) {
      const std::string& type = str(in_.sample_type(i).type());
      const std::string& unit = str(in_.sample_type(i).unit());
      if (count_index < 0 && type == "samples" && unit == "count") count_index = i;
      if (cpu_index < 0 && type == "cpu" && unit == "nanoseconds") cpu_index = i;
    }
    if (count_index < 0 && in_.sample_type_size() > 0 && cpu_index != 0) count_index = 0;

    out.samples.reserve(static_cast<std::size_t>(in_.sample_size()));
    for (const pb::Sample& in_sample : in_.sample()) {
      if (in_sample.value_size() != in_.sample_type_size())
        not_pprof("sample has " + std::to_string(in_sample.value_size()) + " values for " +
                  std::to_string(in_.sample_type_size()) + " sample types");
      sample& s = out.samples.emplace_back();
      s.count = count_index >= 0 ? in_sample.value(count_index) : 1;
      s.cpu_ns = cpu_index >= 0 ? in_sample.value(cpu_index) : 0;
      for (std::uint64_t id : in_sample.location_id()) append_location(id, out, s.stack);
      for (const pb::Label& label : in_sample.label()) {
        // A string label may have the empty value (index 0); a numeric one has num/num_unit.
        const bool numeric = label.str() == 0 && (label.num() != 0 || label.num_unit() != 0);
        std::string value = numeric ? std::to_string(label.num()) : str(label.str());
        s.labels.try_emplace(str(label.key()), std::move(value));
      }
    }
    return out;
  }

 private:
  const std::string& str(std::int64_t index) const {
    if (index < 0 || index >= in_.string_table_size())
      not_pprof("string index " + std::to_string(index) + " out of range");
    return in_.string_table(static_cast<int>(index));
  }

  // Appends a location's frames to a stack, leaf first: pprof lists inlined callees before
  // callers. A location's frames go into the frame table the first time a sample names it,
  // side by side, and later samples name the same entries.
  void append_location(std::uint64_t id, cpu_profile& out, std::vector<std::uint32_t>& stack) {
    auto it = locations_.find(id);
    if (it == locations_.end()) not_pprof("sample refers to missing location " + std::to_string(id));
    auto [range, inserted] = frames_of_location_.try_emplace(id);
    if (inserted) {
      range->second.first = static_cast<std::uint32_t>(out.frames.size());
      append_frames(*it->second, out.frames);
      range->second.second = static_cast<std::uint32_t>(out.frames.size());
    }
    for (std::uint32_t f = range->second.first; f < range->second.second; ++f) stack.push_back(f);
  }

  void append_frames(const pb::Location& loc, std::vector<frame>& frames) const {
    frame base;
    base.address = loc.address();
    if (loc.mapping_id() != 0) {
      auto m = mappings_.find(loc.mapping_id());
      if (m == mappings_.end())
        not_pprof("location refers to missing mapping " + std::to_string(loc.mapping_id()));
      base.module = str(m->second->filename());
      base.build_id = str(m->second->build_id());
    }
    if (loc.line_size() == 0) {
      frames.push_back(std::move(base));
      return;
    }
    for (const pb::Line& line : loc.line()) {
      frame& f = frames.emplace_back(base);
      f.line = static_cast<std::uint32_t>(line.line());
      if (line.function_id() == 0) continue;
      auto fn = functions_.find(line.function_id());
      if (fn == functions_.end())
        not_pprof("line refers to missing function " + std::to_string(line.function_id()));
      f.function = function_of(*fn->second);
      f.file = str(fn->second->filename());
      f.is_task_frame = str(fn->second->system_name()).starts_with(task_system_name_prefix);
    }
  }

  // The model's name of a Function, worked out once per Function.
  const std::string& function_of(const pb::Function& fn) const {
    auto it = function_names_.find(fn.id());
    if (it != function_names_.end()) return it->second;
    const std::string& name = str(fn.name());
    const std::string& system_name = str(fn.system_name());
    std::string function = system_name.starts_with(task_system_name_prefix)
                               ? name
                               : function_from_profile(name, system_name);
    return function_names_.emplace(fn.id(), std::move(function)).first->second;
  }

  const pb::Profile& in_;
  mutable std::unordered_map<std::uint64_t, std::string> function_names_;
  std::unordered_map<std::uint64_t, const pb::Function*> functions_;
  std::unordered_map<std::uint64_t, const pb::Mapping*> mappings_;
  std::unordered_map<std::uint64_t, const pb::Location*> locations_;
  // A decoded location's frames: [first, end) of the frame table.
  std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>> frames_of_location_;
};

}  // namespace

std::string encode_pprof(const cpu_profile& profile) {
  google::protobuf::Arena arena;
  auto* tables = google::protobuf::Arena::CreateMessage<pb::Profile>(&arena);
  pprof_encoder encoder{*tables};
  encoder.encode(profile);
  // Serialized into one buffer, then gzipped in one call (libdeflate compresses whole
  // buffers, about twice as fast as zlib streaming). The buffer is sized by a bound and
  // not cleared: only the pages the serialization writes are touched.
  const std::size_t tables_size = tables->ByteSizeLong();
  const std::size_t bound = tables_size + encoder.samples_size_bound();
  const auto raw = std::make_unique_for_overwrite<std::uint8_t[]>(bound);
  std::uint8_t* end = tables->SerializeWithCachedSizesToArray(raw.get());
  end = encoder.write_samples(end);
  const auto size = static_cast<std::size_t>(end - raw.get());
  // A protobuf message (so what pprof readers parse) stays under 2 GiB.
  if (size > static_cast<std::size_t>(INT_MAX)) throw std::runtime_error("pprof: cannot serialize profile");
  return gzip_compress({reinterpret_cast<const char*>(raw.get()), size});
}

void write_pprof(const cpu_profile& profile, const std::string& path) {
  const std::string bytes = encode_pprof(profile);
  const std::string tmp = path + ".tmp";
  auto fail = [&](const char* what, const std::string& which) {
    int error = errno;
    throw std::runtime_error("cannot " + std::string(what) + " pprof profile '" + which +
                             "': " + std::strerror(error));
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("create", tmp);
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = error;
      fail("write", tmp);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    int error = errno;
    ::unlink(tmp.c_str());
    errno = error;
    fail("write", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int error = errno;
    ::unlink(tmp.c_str());
    errno = error;
    fail("rename to", path);
  }
}

cpu_profile decode_pprof(std::string_view gzipped_or_raw) {
  google::protobuf::Arena arena;
  auto* parsed = google::protobuf::Arena::CreateMessage<pb::Profile>(&arena);
  detail::parse_pprof_input(gzipped_or_raw, *parsed, "pprof");
  return pprof_decoder{*parsed}.decode();
}

}  // namespace coroscope
