// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "pprof_input.hpp"

#include <coroscope/gzip.hpp>

#include <coroscope/profile.hpp>

#include <algorithm>
#include <climits>
#include <limits>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace coroscope::detail {
namespace {

namespace pb = perftools::profiles;

constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();

std::size_t saturating_add(std::size_t a, std::size_t b) noexcept {
  return b > kNoLimit - a ? kNoLimit : a + b;
}

std::size_t saturating_mul(std::size_t a, std::size_t b) noexcept {
  return a != 0 && b > kNoLimit / a ? kNoLimit : a * b;
}

/// Heap bytes of a std::string of `size` chars beyond the object (libstdc++ keeps up to
/// 15 inline).
constexpr std::size_t string_heap_bytes(std::size_t size) noexcept { return size > 15 ? size + 1 : 0; }

[[noreturn]] void not_a_profile(std::string_view kind, const std::string& why) {
  throw std::runtime_error("not a " + std::string(kind) + " profile: " + why);
}

/// One line naming the limit and how it follows from the input's size.
[[noreturn]] void refuse(std::string_view kind, std::size_t input_bytes, const char* what,
                         std::size_t limit, std::size_t ratio, std::size_t floor,
                         std::size_t ceiling) {
  throw std::runtime_error(std::string(kind) + " profile refused: " + what + " past " +
                           std::to_string(limit) + " bytes, the limit for a " +
                           std::to_string(input_bytes) + "-byte file (" + std::to_string(ratio) +
                           " times its size, at least " + std::to_string(floor) + ", at most " +
                           std::to_string(ceiling) + ")");
}

}  // namespace

pprof_input_limits pprof_input_limits::for_input(std::size_t input_bytes) noexcept {
  pprof_input_limits l;
  l.max_inflated_bytes =
      std::min(kMaxInflated, std::max(kMinInflated, saturating_mul(input_bytes, kInflateRatio)));
  l.max_decoded_bytes =
      std::min(kMaxDecoded, std::max(kMinDecoded, saturating_mul(input_bytes, kDecodedRatio)));
  return l;
}

void parse_pprof_input(std::string_view input, pb::Profile& out, std::string_view kind) {
  if (input.empty()) not_a_profile(kind, "empty input");
  const pprof_input_limits limits = pprof_input_limits::for_input(input.size());
  std::string inflated;
  std::string_view raw = input;
  if (is_gzip(input)) {
    try {
      inflated = gzip_decompress(input, limits.max_inflated_bytes);
    } catch (const gzip_limit_error&) {
      refuse(kind, input.size(), "gzip data inflates", limits.max_inflated_bytes,
             pprof_input_limits::kInflateRatio, pprof_input_limits::kMinInflated,
             pprof_input_limits::kMaxInflated);
    } catch (const std::runtime_error& e) {
      not_a_profile(kind, e.what());
    }
    raw = inflated;
  }
  if (raw.size() > static_cast<std::size_t>(INT_MAX)) not_a_profile(kind, "larger than 2 GiB");
  if (!out.ParseFromArray(raw.data(), static_cast<int>(raw.size())))
    not_a_profile(kind, "protobuf parse failed");
  if (estimate_decoded_bytes(out, limits.max_decoded_bytes) > limits.max_decoded_bytes)
    refuse(kind, input.size(), "decoding it would take", limits.max_decoded_bytes,
           pprof_input_limits::kDecodedRatio, pprof_input_limits::kMinDecoded,
           pprof_input_limits::kMaxDecoded);
}

std::size_t estimate_decoded_bytes(const pb::Profile& profile, std::size_t stop_after) {
  auto string_bytes = [&](std::int64_t index) -> std::size_t {
    if (index < 0 || index >= profile.string_table_size()) return 0;
    return string_heap_bytes(profile.string_table(static_cast<int>(index)).size());
  };
  auto find = [](const std::unordered_map<std::uint64_t, std::size_t>& bytes, std::uint64_t id) {
    const auto it = bytes.find(id);
    return it == bytes.end() ? std::size_t{0} : it->second;
  };
  std::unordered_map<std::uint64_t, std::size_t> function_bytes;  // name + file
  for (const pb::Function& f : profile.function())
    function_bytes.emplace(f.id(), string_bytes(f.name()) + string_bytes(f.filename()));
  std::unordered_map<std::uint64_t, std::size_t> mapping_bytes;  // module + build id
  for (const pb::Mapping& m : profile.mapping())
    mapping_bytes.emplace(m.id(), string_bytes(m.filename()) + string_bytes(m.build_id()));

  std::size_t total = 0;
  std::unordered_map<std::uint64_t, std::size_t> location_bytes;  // all its frames
  for (const pb::Location& loc : profile.location()) {
    const std::size_t frame_bytes = sizeof(frame) + find(mapping_bytes, loc.mapping_id());
    std::size_t bytes = loc.line_size() == 0 ? frame_bytes : 0;
    for (const pb::Line& line : loc.line())
      bytes = saturating_add(bytes, frame_bytes + find(function_bytes, line.function_id()));
    location_bytes.emplace(loc.id(), bytes);
    total = saturating_add(total, bytes);  // the heap decoder keeps each location's frames
    if (total > stop_after) return total;
  }
  // A map node: the tree links and colour, then the key and value strings.
  constexpr std::size_t label_node_bytes = 4 * sizeof(void*) + 2 * sizeof(std::string);
  for (const pb::Sample& s : profile.sample()) {
    std::size_t bytes = sizeof(sample);
    for (const pb::Label& label : s.label())
      bytes = saturating_add(bytes, label_node_bytes + string_bytes(label.key()) + string_bytes(label.str()));
    for (const std::uint64_t id : s.location_id()) bytes = saturating_add(bytes, find(location_bytes, id));
    total = saturating_add(total, bytes);
    if (total > stop_after) return total;
  }
  return total;
}

}  // namespace coroscope::detail
