// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "flamegraph_tree.hpp"

#include <coroscope/flamegraph.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

/// Writes laid-out flamegraph boxes as one self-contained interactive SVG document.
/// Internal to the exporter; `render_flamegraph_svg` and `render_diff_flamegraph_svg`
/// decide colours and tooltips, this file the markup, style and script.
namespace coroscope::detail {

/// How one box is drawn.
struct box_style {
  std::string fill;     ///< an SVG colour, e.g. `rgb(230,120,40)`
  char css_class = 'c'; ///< `c` code, `t` task, `m` merged narrow frames
  std::string details;  ///< the tooltip's second line (plain text; escaped when written)
};

/// What surrounds the frames.
struct svg_page {
  std::string_view title;
  std::string_view note;          ///< a line under the title; may be empty
  std::string_view note_tooltip;  ///< hover text of the note; may be empty
  std::string_view background;    ///< an SVG colour
};

/// Appends `text` to `out` escaped for XML character data and attribute values: `<>&"'`
/// become entities, control characters and invalid UTF-8 become `?`.
void append_xml_escaped(std::string& out, std::string_view text);

/// The SVG document for `boxes` (from `layout`).
std::string write_svg(const flame_tree& tree, const std::vector<flame_box>& boxes,
                      const flamegraph_options& options, const svg_page& page,
                      const std::function<box_style(const flame_box&)>& style);

/// Width in pixels of the drawing area for `options` (the image minus its margins).
double plot_width(const flamegraph_options& options);

/// `1234 samples` / `12.30 ms`-style helpers shared by the renderers' tooltips.
std::string format_percent(double fraction);
std::string format_cpu(std::int64_t ns);
/// `rgb(r,g,b)`.
std::string rgb(int r, int g, int b);

}  // namespace coroscope::detail
