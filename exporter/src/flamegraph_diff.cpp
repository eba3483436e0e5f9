// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/flamegraph.hpp>

#include "flamegraph_svg.hpp"
#include "flamegraph_tree.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace coroscope {
namespace {

using detail::rgb;

using detail::flame_tree;
using detail::no_node;
using detail::node_id;

// Changes under this many share points (0.1 percentage point) draw as unchanged.
constexpr double unchanged_below = 0.001;

// Near-white for no change, deeper red (grew) or blue (shrank) as the change nears the
// largest one in the graph.
std::string delta_colour(double delta, double max_abs_delta) {
  if (std::abs(delta) < unchanged_below || max_abs_delta <= 0) return rgb(242, 242, 242);
  const double intensity = std::min(1.0, std::abs(delta) / max_abs_delta);
  const int fade = 225 - static_cast<int>(std::lround(190 * intensity));
  return delta > 0 ? rgb(255, fade, fade) : rgb(fade, fade, 255);
}

std::string signed_points(double delta) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%+.2f pp", 100.0 * delta);
  return buffer;
}

double share(std::int64_t value, std::int64_t total) {
  return total > 0 ? static_cast<double>(value) / static_cast<double>(total) : 0.0;
}

flame_tree build(const cpu_profile& profile, const flamegraph_options& options) {
  check_stacks(profile);
  flame_tree tree(options.weight, options.names);
  for (const sample& s : profile.samples) tree.add(profile, s);
  tree.finish();
  return tree;
}

struct gone_path {
  double share = 0;
  std::string path;
};

// Call paths of `before` whose parent is still in `after` but which are not: they have no
// width in a graph drawn with `after`'s shape. Largest first.
std::vector<gone_path> gone_paths(const flame_tree& before, const std::vector<node_id>& match) {
  std::vector<bool> kept(before.size(), false);
  for (node_id b : match)
    if (b != no_node) kept[b] = true;
  std::vector<gone_path> gone;
  for (node_id j = 1; j < before.size(); ++j) {
    const auto& n = before.node(j);
    if (kept[j] || !kept[n.parent]) continue;
    std::string path = n.parent == 0 ? before.name(j) : before.name(n.parent) + " -> " + before.name(j);
    gone.push_back({share(n.total, before.total()), std::move(path)});
  }
  std::stable_sort(gone.begin(), gone.end(), [](const gone_path& a, const gone_path& b) { return a.share > b.share; });
  return gone;
}

std::string gone_note(const std::vector<gone_path>& gone, std::string& tooltip) {
  constexpr std::size_t in_note = 3;
  constexpr std::size_t in_tooltip = 40;
  std::string note = "Only in BEFORE (no width here): ";
  tooltip = "Call paths only in BEFORE, with their share of BEFORE:";
  for (std::size_t i = 0; i < gone.size() && i < in_tooltip; ++i) {
    const std::string entry = gone[i].path + " " + detail::format_percent(gone[i].share);
    if (i < in_note) note += (i == 0 ? "" : ", ") + entry;
    tooltip += "\n" + entry;
  }
  if (gone.size() > in_note) note += " and " + std::to_string(gone.size() - in_note) + " more (hover)";
  if (gone.size() > in_tooltip) tooltip += "\n... and " + std::to_string(gone.size() - in_tooltip) + " more";
  return note;
}

}  // namespace

std::string render_diff_flamegraph_svg(const cpu_profile& before, const cpu_profile& after,
                                       const flamegraph_options& options) {
  const flame_tree old_tree = build(before, options);
  const flame_tree new_tree = build(after, options);

  // Node ids grow from parents to children, so one pass finds each after-node's twin.
  std::vector<node_id> match(new_tree.size(), no_node);
  match[0] = 0;
  for (node_id i = 1; i < new_tree.size(); ++i) {
    const auto& n = new_tree.node(i);
    if (match[n.parent] != no_node)
      match[i] = old_tree.find_child(match[n.parent], new_tree.name(i), n.is_task);
  }

  struct change {
    double before = 0, after = 0, self_before = 0, self_after = 0;
    double delta(bool by_self) const { return by_self ? self_after - self_before : after - before; }
  };
  std::vector<change> changes(new_tree.size());
  double max_abs_delta = 0;
  for (node_id i = 0; i < new_tree.size(); ++i) {
    const auto& n = new_tree.node(i);
    change& c = changes[i];
    c.after = share(n.total, new_tree.total());
    c.self_after = share(n.self, new_tree.total());
    if (match[i] != no_node) {
      c.before = share(old_tree.node(match[i]).total, old_tree.total());
      c.self_before = share(old_tree.node(match[i]).self, old_tree.total());
    }
    max_abs_delta = std::max(max_abs_delta, std::abs(c.delta(options.diff_by_self)));
  }

  const double plot = detail::plot_width(options);
  const auto boxes = detail::layout(new_tree, std::max(options.min_frame_width, 0.0) / plot);
  auto style = [&](const detail::flame_box& b) {
    detail::box_style s;
    if (b.merged != 0) {
      s.css_class = 'm';
      s.fill = "rgb(190,190,190)";
      s.details = detail::format_percent(share(b.merged_weight, new_tree.total())) +
                  " of AFTER in frames too narrow to draw";
      return s;
    }
    const change& c = changes[b.node];
    s.css_class = new_tree.node(b.node).is_task ? 't' : 'c';
    s.fill = delta_colour(c.delta(options.diff_by_self), max_abs_delta);
    s.details = "before " + detail::format_percent(c.before) + " -> after " + detail::format_percent(c.after) +
                " (" + signed_points(c.after - c.before) + "); self " + detail::format_percent(c.self_before) +
                " -> " + detail::format_percent(c.self_after) + " (" + signed_points(c.self_after - c.self_before) +
                "); " + std::to_string(new_tree.node(b.node).count) + " samples after";
    if (match[b.node] == no_node) s.details += "; new in AFTER";
    return s;
  };

  std::string note = options.diff_by_self ? "Colour: change of self share, red = grew, blue = shrank"
                                          : "Colour: change of total share, red = grew, blue = shrank";
  std::string tooltip;
  const auto gone = gone_paths(old_tree, match);
  if (!gone.empty()) note += " | " + gone_note(gone, tooltip);
  if (boxes.empty()) note = "No samples in AFTER";
  return detail::write_svg(new_tree, boxes, options, {options.title, note, tooltip, "rgb(210,210,210)"}, style);
}

}  // namespace coroscope
