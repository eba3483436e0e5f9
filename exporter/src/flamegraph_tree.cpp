// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "flamegraph_tree.hpp"

#include <algorithm>
#include <utility>

namespace coroscope::detail {

flame_tree::flame_tree(sample_weight weight, name_style names) : weight_(weight), style_(names) {
  intern("");
  nodes_.emplace_back();
  nodes_[0].name = intern("all");
}

// A deque never moves its strings, so the map's keys can view them.
std::uint32_t flame_tree::intern(std::string_view name) {
  if (auto it = name_ids_.find(name); it != name_ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(names_.size());
  name_ids_.emplace(names_.emplace_back(name), id);
  return id;
}

std::uint32_t flame_tree::name_of(const frame& f, std::uint32_t& full) {
  full = 0;
  if (f.function.empty()) return intern(display_name(f));
  const std::uint32_t id = intern(f.function);
  if (f.is_task_frame || style_ == name_style::full_names) return id;
  if (short_ids_.size() <= id) short_ids_.resize(id + 1, no_node);
  if (short_ids_[id] == no_node) {
    const std::uint32_t short_id = intern(short_function_name(f.function));
    short_ids_[id] = short_id;  // after intern: it may have grown names_, not short_ids_
  }
  if (short_ids_[id] != id) full = id;
  return short_ids_[id];
}

void flame_tree::add(const cpu_profile& profile, const sample& s) {
  const std::int64_t weight = weight_of(s, weight_);
  if (weight == 0) return;
  node_id current = 0;
  auto account = [&](node_id id) {
    flame_node& n = nodes_[id];
    n.total += weight;
    n.count += std::max<std::int64_t>(s.count, 0);
    n.cpu_ns += std::max<std::int64_t>(s.cpu_ns, 0);
  };
  account(current);
  std::size_t depth = 0;
  for (auto it = s.stack.rbegin(); it != s.stack.rend(); ++it) {
    const frame& f = profile.frames[*it];
    std::uint32_t full = 0;
    const std::uint32_t name = name_of(f, full);
    auto [child, inserted] = child_ids_.try_emplace(child_key(current, name, f.is_task_frame),
                                                    static_cast<node_id>(nodes_.size()));
    if (inserted) {
      flame_node& n = nodes_.emplace_back();
      n.name = name;
      n.is_task = f.is_task_frame;
      n.parent = current;
    }
    current = child->second;
    account(current);
    flame_node& n = nodes_[current];
    // Keep file:line only while every frame merged into this node agrees on it.
    const std::uint32_t file = intern(f.file);
    if (!n.location_seen) {
      n.location_seen = true;
      n.file = file;
      n.line = f.line;
      n.full_name = full;
    } else {
      if (n.file != file) n.file = 0;
      if (n.line != f.line || n.file == 0) n.line = 0;
      if (n.full_name != full) n.full_name = 0;
    }
    ++depth;
  }
  nodes_[current].self += weight;
  max_depth_ = std::max(max_depth_, depth);
}

void flame_tree::finish() {
  // Counting sort by parent into one array, then each parent's range by name.
  for (std::size_t i = 1; i < nodes_.size(); ++i) ++nodes_[nodes_[i].parent].children_end;
  std::uint32_t offset = 0;
  for (flame_node& n : nodes_) {
    n.children_begin = offset;
    offset += n.children_end;
    n.children_end = n.children_begin;
  }
  children_.resize(offset);
  for (std::size_t i = 1; i < nodes_.size(); ++i)
    children_[nodes_[nodes_[i].parent].children_end++] = static_cast<node_id>(i);
  for (const flame_node& n : nodes_) {
    std::sort(children_.begin() + n.children_begin, children_.begin() + n.children_end, [this](node_id a, node_id b) {
      const int order = names_[nodes_[a].name].compare(names_[nodes_[b].name]);
      return order != 0 ? order < 0 : nodes_[a].is_task < nodes_[b].is_task;
    });
  }
}

node_id flame_tree::find_child(node_id parent, std::string_view name, bool is_task) const {
  auto name_it = name_ids_.find(name);
  if (name_it == name_ids_.end()) return no_node;
  auto it = child_ids_.find(child_key(parent, name_it->second, is_task));
  return it == child_ids_.end() ? no_node : it->second;
}

std::vector<flame_box> layout(const flame_tree& tree, double min_fraction) {
  std::vector<flame_box> boxes;
  const double total = static_cast<double>(tree.total());
  if (tree.total() <= 0) return boxes;
  boxes.push_back({0, 0, 0.0, 1.0, 0, 0});
  // Boxes are appended while walking, so index-based iteration visits parents first
  // without recursion (stacks can be thousands of frames deep).
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const flame_box parent = boxes[i];
    if (parent.merged != 0) continue;
    double x = parent.x;
    std::uint32_t merged = 0;
    std::int64_t merged_weight = 0;
    for (node_id child : tree.children(parent.node)) {
      const std::int64_t weight = tree.node(child).total;
      const double width = static_cast<double>(weight) / total;
      if (width < min_fraction) {
        ++merged;
        merged_weight += weight;
        continue;
      }
      boxes.push_back({child, parent.depth + 1, x, width, 0, 0});
      x += width;
    }
    const double merged_width = static_cast<double>(merged_weight) / total;
    if (merged != 0 && merged_width >= min_fraction)
      boxes.push_back({parent.node, parent.depth + 1, x, merged_width, merged, merged_weight});
  }
  return boxes;
}

}  // namespace coroscope::detail
