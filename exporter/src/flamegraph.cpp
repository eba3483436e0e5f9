// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/flamegraph.hpp>

#include "flamegraph_svg.hpp"
#include "flamegraph_tree.hpp"

#include <cstdio>

namespace coroscope {
namespace {

using detail::rgb;

// A stable per-name number in [0, 1): the same function keeps its colour across graphs.
double name_hash(std::string_view name, unsigned salt) {
  std::uint32_t h = 2166136261u ^ salt;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return static_cast<double>(h % 1000) / 1000.0;
}

// Code frames in flamegraph.pl's warm palette; task frames in blues and teals.
std::string frame_colour(std::string_view name, bool is_task) {
  const double a = name_hash(name, 1), b = name_hash(name, 2);
  if (is_task) return rgb(40 + static_cast<int>(40 * a), 140 + static_cast<int>(70 * b), 200 + static_cast<int>(50 * a));
  return rgb(205 + static_cast<int>(50 * a), static_cast<int>(230 * b), static_cast<int>(55 * a));
}

std::string describe_node(const detail::flame_tree& tree, const detail::flame_box& box, double fraction) {
  if (box.merged != 0) return detail::format_percent(fraction) + " in frames too narrow to draw; zoom in on the parent";
  const detail::flame_node& n = tree.node(box.node);
  std::string text = std::to_string(n.count) + " samples, " + detail::format_cpu(n.cpu_ns) + " CPU, " + detail::format_percent(fraction);
  if (n.file != 0) {
    text += " (" + tree.file(box.node);
    if (n.line != 0) text += ':' + std::to_string(n.line);
    text += ')';
  }
  if (n.full_name != 0) text += "; " + tree.full_name(box.node);  // the short name's signature
  return text;
}

}  // namespace

std::string render_flamegraph_svg(const cpu_profile& profile, const flamegraph_options& options) {
  check_stacks(profile);
  detail::flame_tree tree(options.weight, options.names);
  for (const sample& s : profile.samples) tree.add(profile, s);
  tree.finish();
  const double plot = detail::plot_width(options);
  const auto boxes = detail::layout(tree, std::max(options.min_frame_width, 0.0) / plot);
  const double total = static_cast<double>(tree.total());

  auto style = [&](const detail::flame_box& b) {
    detail::box_style s;
    const std::int64_t weight = b.merged != 0 ? b.merged_weight : tree.node(b.node).total;
    s.details = describe_node(tree, b, static_cast<double>(weight) / total);
    if (b.merged != 0) {
      s.css_class = 'm';
      s.fill = "rgb(190,190,190)";
    } else {
      const bool task = tree.node(b.node).is_task;
      s.css_class = task ? 't' : 'c';
      s.fill = frame_colour(tree.name(b.node), task);
    }
    return s;
  };
  const std::string note = boxes.empty() ? "No samples" : "";
  return detail::write_svg(tree, boxes, options, {options.title, note, "", "rgb(248,248,248)"}, style);
}

}  // namespace coroscope
