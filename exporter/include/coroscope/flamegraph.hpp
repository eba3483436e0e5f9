// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/profile.hpp>
#include <coroscope/profile_view.hpp>

#include <string>

/// Interactive SVG flamegraphs of a `cpu_profile`, and differential flamegraphs of two.
/// The SVG is self-contained (inline style and script, no external resources): hover a
/// frame for its details, click to zoom into it, Escape or "Reset zoom" to zoom out,
/// Ctrl+F or "/" (or the "Search" button) to highlight frames matching a regular
/// expression with the matched share shown. Task frames (`frame::is_task_frame`) are
/// drawn in blues and teals (class `t`), code frames in warm colours (class `c`).
namespace coroscope {

/// How a flamegraph is drawn.
struct flamegraph_options {
  /// Title drawn at the top (XML-escaped).
  std::string title = "CPU flamegraph";
  /// Image width in pixels (at least 200).
  unsigned width = 1200;
  /// Height of one frame row in pixels.
  unsigned frame_height = 16;
  /// Frames narrower than this many pixels are not drawn one by one: the narrow children
  /// of a frame are merged into one grey "N narrow frames" block (drawn only if it is
  /// itself wide enough). This bounds the SVG's size for any number of samples.
  double min_frame_width = 0.5;
  /// Root at the top, growing down ("icicle"), instead of the classic root at the bottom.
  bool icicle = false;
  /// Which sample value gives a frame its width.
  sample_weight weight = sample_weight::count;
  /// How frames are named: short (the default; frames whose full names differ only in
  /// what the short form leaves out are one frame, and the tooltip shows the full
  /// signature when its frames agree on one) or full signatures.
  name_style names = name_style::short_names;
  /// Differential graphs only: colour by the change of a frame's self share (the classic
  /// differential flamegraph; callers whose children changed stay neutral) when true, or
  /// of its total (inclusive) share when false.
  bool diff_by_self = true;
};

/// Renders `profile` as an interactive SVG flamegraph: one frame per distinct call path,
/// siblings in name order, width proportional to `options.weight`, topped by an `all`
/// root. A frame's tooltip holds its name, sample count, CPU time, percent of the total
/// and `file:line` when known.
std::string render_flamegraph_svg(const cpu_profile& profile, const flamegraph_options& options = {});

/// Renders a differential flamegraph: laid out with `after`'s shape, each frame coloured
/// by the change of its share of the total (so profiles with different totals compare):
/// red = grew, blue = shrank, near-white = unchanged (under 0.1 percentage points);
/// colour intensity is relative to the largest change. Tooltips show the before and
/// after shares and the delta. Call paths present only in `before` have no width here:
/// the largest are listed in a note under the title.
std::string render_diff_flamegraph_svg(const cpu_profile& before, const cpu_profile& after,
                                       const flamegraph_options& options = {});

}  // namespace coroscope
