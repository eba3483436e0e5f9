// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/flamegraph.hpp>

#include "svg_check.hpp"

#include <gtest/gtest.h>

namespace {

using coroscope::flamegraph_options;
using coroscope::render_diff_flamegraph_svg;
using coroscope::test::make_profile;
using coroscope::test::parse_svg;
using coroscope::test::svg_frame;

// Shares: grow 10% -> 50%, shrink 40% -> 10%, same 40% -> 40%, gone 10% -> absent.
// AFTER has three times the samples: shares, not counts, are compared.
const auto before = make_profile({{"main;grow", 10}, {"main;shrink", 40}, {"main;same", 40}, {"main;gone", 10}});
const auto after = make_profile({{"main;grow", 150}, {"main;shrink", 30}, {"main;same", 120}});

bool is_red(const svg_frame& f) { return f.red() == 255 && f.green() < 200 && f.blue() < 200; }
bool is_blue(const svg_frame& f) { return f.blue() == 255 && f.red() < 200 && f.green() < 200; }
bool is_neutral(const svg_frame& f) {
  return f.red() >= 235 && f.green() >= 235 && f.blue() >= 235 && f.red() == f.green() && f.green() == f.blue();
}

TEST(diff_flamegraph, grown_is_red_shrunk_is_blue_unchanged_is_neutral) {
  const auto svg = parse_svg(render_diff_flamegraph_svg(before, after));
  ASSERT_TRUE(svg);
  const auto* grow = svg->find("grow");
  const auto* shrink = svg->find("shrink");
  const auto* same = svg->find("same");
  const auto* main = svg->find("main");
  ASSERT_TRUE(grow && shrink && same && main);
  EXPECT_TRUE(is_red(*grow)) << grow->fill;
  EXPECT_TRUE(is_blue(*shrink)) << shrink->fill;
  EXPECT_TRUE(is_neutral(*same)) << same->fill;
  EXPECT_TRUE(is_neutral(*main)) << main->fill << ": no self time in either profile";
  // The largest change gets the deepest colour.
  EXPECT_LT(grow->green(), shrink->red() + 1);
}

TEST(diff_flamegraph, drawn_with_after_shape_and_tooltips_show_before_after_delta) {
  const auto svg = parse_svg(render_diff_flamegraph_svg(before, after));
  ASSERT_TRUE(svg);
  const auto* root = svg->find("all");
  const auto* grow = svg->find("grow");
  ASSERT_TRUE(root && grow);
  EXPECT_NEAR(grow->width / root->width, 0.5, 0.001);
  EXPECT_NE(grow->details.find("before 10.00% -> after 50.00% (+40.00 pp)"), std::string::npos) << grow->details;
  EXPECT_NE(svg->find("shrink")->details.find("before 40.00% -> after 10.00% (-30.00 pp)"), std::string::npos);
  EXPECT_EQ(svg->find("gone"), nullptr) << "a frame only in BEFORE has no width in AFTER's shape";
}

TEST(diff_flamegraph, frames_only_in_before_are_named_in_the_note) {
  const auto svg = parse_svg(render_diff_flamegraph_svg(before, after));
  ASSERT_TRUE(svg);
  EXPECT_NE(svg->note.find("Only in BEFORE"), std::string::npos) << svg->note;
  EXPECT_NE(svg->note.find("main -> gone 10.00%"), std::string::npos) << svg->note;
}

TEST(diff_flamegraph, frames_new_in_after_are_red_and_marked) {
  const auto svg = parse_svg(render_diff_flamegraph_svg(before, make_profile({{"main;same", 40}, {"main;fresh", 60}})));
  ASSERT_TRUE(svg);
  const auto* fresh = svg->find("fresh");
  ASSERT_TRUE(fresh);
  EXPECT_TRUE(is_red(*fresh)) << fresh->fill;
  EXPECT_NE(fresh->details.find("new in AFTER"), std::string::npos);
}

TEST(diff_flamegraph, colour_by_total_share_colours_callers_too) {
  // handler's self share is 0 in both; its total share grows with its child's.
  const auto b = make_profile({{"main;handler;work", 20}, {"main;other", 80}});
  const auto a = make_profile({{"main;handler;work", 70}, {"main;other", 30}});
  const auto by_self = parse_svg(render_diff_flamegraph_svg(b, a));
  ASSERT_TRUE(by_self);
  EXPECT_TRUE(is_neutral(*by_self->find("handler")));
  EXPECT_TRUE(is_red(*by_self->find("work")));
  flamegraph_options options;
  options.diff_by_self = false;
  const auto by_total = parse_svg(render_diff_flamegraph_svg(b, a, options));
  ASSERT_TRUE(by_total);
  EXPECT_TRUE(is_red(*by_total->find("handler"))) << by_total->find("handler")->fill;
  EXPECT_TRUE(is_blue(*by_total->find("other")));
  EXPECT_TRUE(is_neutral(*by_total->find("main")));
}

TEST(diff_flamegraph, identical_profiles_are_all_neutral) {
  const auto svg = parse_svg(render_diff_flamegraph_svg(before, before));
  ASSERT_TRUE(svg);
  ASSERT_FALSE(svg->frames.empty());
  for (const auto& f : svg->frames) EXPECT_TRUE(is_neutral(f)) << f.name << " " << f.fill;
  EXPECT_EQ(svg->note.find("Only in BEFORE"), std::string::npos);
}

TEST(diff_flamegraph, empty_profiles_give_valid_documents) {
  const auto empty_after = parse_svg(render_diff_flamegraph_svg(before, coroscope::cpu_profile{}));
  ASSERT_TRUE(empty_after);
  EXPECT_TRUE(empty_after->frames.empty());
  const auto empty_before = parse_svg(render_diff_flamegraph_svg(coroscope::cpu_profile{}, after));
  ASSERT_TRUE(empty_before);
  EXPECT_TRUE(is_red(*empty_before->find("grow")));
}

}  // namespace
