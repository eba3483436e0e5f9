// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/profile.hpp>
#include <coroscope/profile_view.hpp>

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

/// The call tree behind the flamegraphs: one node per distinct call path (root first),
/// and its layout into boxes. Internal to the exporter.
namespace coroscope::detail {

/// Index of a node in a `flame_tree`; the root is 0.
using node_id = std::uint32_t;
inline constexpr node_id no_node = UINT32_MAX;

/// One call path. Frames on the same path with the same name (and task flag) are one node.
struct flame_node {
  std::uint32_t name = 0;  ///< index into `flame_tree::names()`
  bool is_task = false;
  node_id parent = no_node;
  std::int64_t total = 0;   ///< weight of the samples through this node
  std::int64_t self = 0;    ///< weight of the samples ending here
  std::int64_t count = 0;   ///< `sample::count` through this node, whatever the weight
  std::int64_t cpu_ns = 0;  ///< `sample::cpu_ns` through this node, whatever the weight
  std::uint32_t file = 0;   ///< index into `names()` of the source file ("" when frames disagree)
  std::uint32_t line = 0;   ///< source line when every frame of the node agrees
  /// Index into `names()` of the full function name when `name` is a short form of it and
  /// every frame of the node agrees on it, else 0.
  std::uint32_t full_name = 0;
  bool location_seen = false;
  std::uint32_t children_begin = 0;  ///< range in `flame_tree::children()`, set by `finish()`
  std::uint32_t children_end = 0;
};

/// Builds the call tree of a profile. Not thread-safe; one renderer owns it.
class flame_tree {
 public:
  /// The root is named `all`; frames are named in `names`.
  explicit flame_tree(sample_weight weight, name_style names = name_style::short_names);

  /// Adds one sample (its stack is leaf first). Samples of zero weight are ignored.
  void add(const cpu_profile& profile, const sample& s);
  /// Sorts every node's children by name; call once after the last `add`.
  void finish();

  const flame_node& node(node_id id) const { return nodes_[id]; }
  std::size_t size() const { return nodes_.size(); }
  const std::string& name(node_id id) const { return names_[nodes_[id].name]; }
  const std::string& file(node_id id) const { return names_[nodes_[id].file]; }
  /// The full function name behind a short `name`, or "" (see `flame_node::full_name`).
  const std::string& full_name(node_id id) const { return names_[nodes_[id].full_name]; }
  /// The children of `id`, in name order (after `finish()`).
  std::span<const node_id> children(node_id id) const {
    const flame_node& n = nodes_[id];
    return {children_.data() + n.children_begin, children_.data() + n.children_end};
  }
  /// Total weight of the profile (the root's).
  std::int64_t total() const { return nodes_[0].total; }
  /// Deepest node's depth (the root has depth 0).
  std::size_t max_depth() const { return max_depth_; }

  /// The child of `parent` named `name`, or `no_node`.
  node_id find_child(node_id parent, std::string_view name, bool is_task) const;

 private:
  std::uint32_t intern(std::string_view name);
  // The id of the name `f` is shown by; `full` gets the id of its full function name
  // when that differs, else 0.
  std::uint32_t name_of(const frame& f, std::uint32_t& full);
  static std::uint64_t child_key(node_id parent, std::uint32_t name, bool is_task) {
    return (std::uint64_t{parent} << 32) | (std::uint64_t{name} << 1) | (is_task ? 1u : 0u);
  }

  sample_weight weight_;
  name_style style_;
  std::vector<flame_node> nodes_;
  // By the id of a full function name: the id of its short form, or no_node before the
  // first time.
  std::vector<std::uint32_t> short_ids_;
  std::vector<node_id> children_;  // every node's children, grouped by parent
  std::deque<std::string> names_;  // function names and file names; 0 is ""
  std::unordered_map<std::string_view, std::uint32_t> name_ids_;  // views into names_' strings
  std::unordered_map<std::uint64_t, node_id> child_ids_;
  std::size_t max_depth_ = 0;
};

/// One rectangle to draw: a node, or the merged narrow children of `node` (`merged > 0`).
struct flame_box {
  node_id node = 0;
  std::uint32_t depth = 0;
  double x = 0;               ///< left edge, as a fraction of the total width
  double width = 0;           ///< as a fraction of the total width
  std::uint32_t merged = 0;   ///< how many narrow children this box stands for, or 0
  std::int64_t merged_weight = 0;
};

/// Lays the tree out, root first (a parent's box always precedes its children's).
/// Children narrower than `min_fraction` of the total are merged into one box per parent,
/// drawn only if that box is itself at least `min_fraction` wide, and never descended.
std::vector<flame_box> layout(const flame_tree& tree, double min_fraction);

}  // namespace coroscope::detail
