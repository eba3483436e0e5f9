// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/flamegraph.hpp>

#include "svg_check.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

namespace {

using coroscope::flamegraph_options;
using coroscope::render_flamegraph_svg;
using coroscope::test::make_profile;
using coroscope::test::parse_svg;

const std::vector<coroscope::test::stack_text> service = {
    {"main;task:accept-loop;handle_request;parse_body", 60},
    {"main;task:accept-loop;handle_request;write_reply", 15},
    {"main;task:flush;flush_logs;libz.so+0x1a2b", 15},
    {"main;idle", 10},
};

TEST(flamegraph, planted_hot_frame_has_its_samples_percent_and_location) {
  const auto svg = parse_svg(render_flamegraph_svg(make_profile(service)));
  ASSERT_TRUE(svg);
  const auto* root = svg->find("all");
  const auto* hot = svg->find("parse_body");
  ASSERT_TRUE(root && hot);
  EXPECT_NE(root->details.find("100 samples"), std::string::npos) << root->details;
  EXPECT_NE(root->details.find("100.00%"), std::string::npos) << root->details;
  EXPECT_NE(hot->details.find("60 samples"), std::string::npos) << hot->details;
  EXPECT_NE(hot->details.find("60.00%"), std::string::npos) << hot->details;
  EXPECT_NE(hot->details.find("600.00 ms CPU"), std::string::npos) << hot->details;
  EXPECT_NE(hot->details.find("src/parse_body.cpp:20"), std::string::npos) << hot->details;
  EXPECT_NEAR(hot->width / root->width, 0.60, 0.001);
  const auto* unsymbolized = svg->find("libz.so+0x1a2b");
  ASSERT_TRUE(unsymbolized);
  EXPECT_NEAR(unsymbolized->width / root->width, 0.15, 0.001);
  // One frame per call path: main, the two tasks, handle_request, 2 leaves, flush_logs, libz, idle.
  EXPECT_EQ(svg->frames.size(), 10u);
  EXPECT_EQ(svg->title, "CPU flamegraph");
}

TEST(flamegraph, children_sit_on_their_parent_within_its_span) {
  const auto svg = parse_svg(render_flamegraph_svg(make_profile(service)));
  ASSERT_TRUE(svg);
  const auto* handle = svg->find("handle_request");
  const auto* parse = svg->find("parse_body");
  const auto* write = svg->find("write_reply");
  ASSERT_TRUE(handle && parse && write);
  EXPECT_LT(parse->y, handle->y) << "classic layout: children above their parent";
  EXPECT_DOUBLE_EQ(parse->y, write->y);
  EXPECT_GE(parse->x, handle->x - 0.01);
  EXPECT_LE(write->x + write->width, handle->x + handle->width + 0.01);
  EXPECT_LT(parse->x, write->x) << "siblings in name order";
}

TEST(flamegraph, icicle_puts_the_root_on_top) {
  flamegraph_options options;
  options.icicle = true;
  const auto svg = parse_svg(render_flamegraph_svg(make_profile(service), options));
  ASSERT_TRUE(svg);
  for (const auto& f : svg->frames) EXPECT_GE(f.y, svg->find("all")->y) << f.name;
}

TEST(flamegraph, task_frames_are_coloured_apart_from_code) {
  const auto svg = parse_svg(render_flamegraph_svg(make_profile(service)));
  ASSERT_TRUE(svg);
  std::set<std::string> task_names;
  for (const auto& f : svg->frames) {
    if (f.css_class == "t") {
      task_names.insert(f.name);
      EXPECT_GT(f.blue(), f.red()) << f.name << " " << f.fill << ": a task frame is blue/teal";
      EXPECT_GT(f.green(), f.red()) << f.name << " " << f.fill;
    } else {
      EXPECT_EQ(f.css_class, "c") << f.name;
      EXPECT_GT(f.red(), f.blue()) << f.name << " " << f.fill << ": a code frame is warm";
    }
  }
  EXPECT_EQ(task_names, (std::set<std::string>{"task:accept-loop", "task:flush"}));
}

TEST(flamegraph, names_are_escaped_and_read_back_intact) {
  const std::string nasty = "operator<<(std::ostream&, \"quoted\" 'x') -> a<b>&c";
  coroscope::cpu_profile profile = make_profile({{"main;placeholder", 3}});
  profile.frames[profile.samples[0].stack[0]].function = nasty;
  flamegraph_options options;
  options.title = "title <&> \"here\"";
  options.names = coroscope::name_style::full_names;  // the name exactly as it is
  const std::string raw = render_flamegraph_svg(profile, options);
  EXPECT_EQ(raw.find(nasty), std::string::npos) << "raw name in the markup";
  EXPECT_NE(raw.find("&lt;&lt;(std::ostream&amp;, &quot;quoted&quot; &apos;x&apos;)"), std::string::npos);
  const auto svg = parse_svg(raw);
  ASSERT_TRUE(svg);
  EXPECT_TRUE(svg->find(nasty));
  EXPECT_EQ(svg->title, options.title);
}

// Issue 14: frames read `handle_request<...>`, not 250 characters of signature; the
// signature is one hover away, and --full-names draws it.
const std::string handle_request_full =
    "boost::asio::awaitable<void, boost::asio::any_io_executor> (anonymous namespace)::handle_request<"
    "boost::asio::awaitable<void, boost::asio::any_io_executor> (*)(unsigned long)>(unsigned long, "
    "boost::asio::awaitable<void, boost::asio::any_io_executor> (*)(unsigned long))";

TEST(flamegraph, frames_are_named_short_with_the_full_name_in_the_tooltip) {
  const auto profile =
      make_profile({{"main;task:audit;" + handle_request_full + ";(anonymous namespace)::spin(int)", 5}});
  const auto svg = parse_svg(render_flamegraph_svg(profile));
  ASSERT_TRUE(svg);
  const auto* frame = svg->find("handle_request<...>");
  ASSERT_NE(frame, nullptr);
  EXPECT_NE(frame->details.find(handle_request_full), std::string::npos) << frame->details;
  EXPECT_NE(svg->find("spin"), nullptr);
  EXPECT_NE(svg->find("task:audit"), nullptr) << "task names are never shortened";
  EXPECT_EQ(svg->find(handle_request_full), nullptr);

  flamegraph_options full;
  full.names = coroscope::name_style::full_names;
  const auto full_svg = parse_svg(render_flamegraph_svg(profile, full));
  ASSERT_TRUE(full_svg);
  EXPECT_NE(full_svg->find(handle_request_full), nullptr);
  EXPECT_NE(full_svg->find("(anonymous namespace)::spin(int)"), nullptr);
  EXPECT_EQ(full_svg->find("handle_request<...>"), nullptr);
}

TEST(flamegraph, short_names_merge_what_only_the_signature_tells_apart) {
  // Two overloads: one frame when short, its tooltip without a signature (they disagree).
  const auto profile = make_profile({{"main;ns::parse(int);leaf", 3}, {"main;ns::parse(double);leaf", 1}});
  const auto svg = parse_svg(render_flamegraph_svg(profile));
  ASSERT_TRUE(svg);
  const auto* parse = svg->find("ns::parse");
  ASSERT_NE(parse, nullptr);
  EXPECT_NE(parse->details.find("4 samples"), std::string::npos) << parse->details;
  EXPECT_EQ(parse->details.find("ns::parse("), std::string::npos) << parse->details;
  flamegraph_options full;
  full.names = coroscope::name_style::full_names;
  const auto full_svg = parse_svg(render_flamegraph_svg(profile, full));
  ASSERT_TRUE(full_svg);
  EXPECT_NE(full_svg->find("ns::parse(int)"), nullptr);
  EXPECT_NE(full_svg->find("ns::parse(double)"), nullptr);
}

TEST(flamegraph, control_characters_and_bad_utf8_keep_the_document_well_formed) {
  coroscope::cpu_profile profile = make_profile({{"main;placeholder", 3}, {"main;other", 1}});
  profile.frames[profile.samples[0].stack[0]].function = "bad\x01\xff\xc3(utf8)\nnewline";
  profile.frames[profile.samples[1].stack[0]].function = "caf\xc3\xa9::na\xc3\xafve";  // valid UTF-8 kept
  const auto svg = parse_svg(render_flamegraph_svg(profile));
  ASSERT_TRUE(svg);
  EXPECT_TRUE(svg->find("bad\x3f\x3f\x3f(utf8) newline"));
  EXPECT_TRUE(svg->find("caf\xc3\xa9::na\xc3\xafve"));
}

TEST(flamegraph, script_and_style_are_inline_with_zoom_search_and_hover) {
  const std::string raw = render_flamegraph_svg(make_profile(service));
  for (const char* needle : {"<script type=\"text/ecmascript\"><![CDATA[", "function zoom(", "function unzoom(",
                             "function search(", "Matched: ", "\"mouseover\"", "\"click\"", "\"keydown\"",
                             "evt.key === \"Escape\"", "<style type=\"text/css\">", "id=\"unzoom\"",
                             "id=\"search\"", "id=\"details\""})
    EXPECT_NE(raw.find(needle), std::string::npos) << needle;
  // Self-contained: no links, imports or external fetches.
  for (const char* forbidden : {"href", "@import", "url(", "src=", "<image", "<foreignObject"})
    EXPECT_EQ(raw.find(forbidden), std::string::npos) << forbidden;
  // The only URL is the SVG namespace.
  std::size_t urls = 0;
  for (std::size_t at = raw.find("http"); at != std::string::npos; at = raw.find("http", at + 1)) ++urls;
  EXPECT_EQ(urls, 1u);
}

// Drives the inline script (hover, click-zoom, Escape, '/' and Ctrl+F search) in node
// against a minimal DOM of the document; see script_check.js.
void expect_script_works(const std::string& svg, const char* hot, const char* zoom, const char* outside) {
  if (std::string_view(COROSCOPE_NODE).empty()) GTEST_SKIP() << "node not found; script not exercised";
  coroscope::test::temp_dir dir;
  coroscope::test::write_file(dir.path() / "graph.svg", svg);
  using coroscope::test::shell_quote;
  const auto dump = coroscope::test::run(shell_quote(COROSCOPE_PYTHON3) + " " + shell_quote(COROSCOPE_SVG_FRAMES_PY) +
                                         " --json " + shell_quote((dir.path() / "graph.svg").string()) + " > " +
                                         shell_quote((dir.path() / "tree.json").string()));
  ASSERT_EQ(dump.exit_code, 0);
  const auto r = coroscope::test::run(shell_quote(COROSCOPE_NODE) + " " + shell_quote(COROSCOPE_SCRIPT_CHECK_JS) + " " +
                                      shell_quote((dir.path() / "tree.json").string()) + " " + shell_quote(hot) + " " +
                                      shell_quote(zoom) + " " + shell_quote(outside) + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok search by '/': Matched: 60.00%"), std::string::npos) << r.out;
}

TEST(flamegraph, script_zooms_searches_and_shows_details) {
  expect_script_works(render_flamegraph_svg(make_profile(service)), "parse_body", "handle_request", "idle");
}

TEST(flamegraph, script_works_in_icicle_layout_too) {
  flamegraph_options options;
  options.icicle = true;
  expect_script_works(render_flamegraph_svg(make_profile(service), options), "parse_body", "handle_request", "idle");
}

TEST(flamegraph, weight_cpu_sizes_frames_by_cpu_time) {
  const auto profile = make_profile({{"main;cheap", 50, {}, 1'000'000}, {"main;costly", 50, {}, 9'000'000}});
  flamegraph_options options;
  options.weight = coroscope::sample_weight::cpu_ns;
  const auto by_cpu = parse_svg(render_flamegraph_svg(profile, options));
  ASSERT_TRUE(by_cpu);
  EXPECT_NEAR(by_cpu->find("costly")->width / by_cpu->find("all")->width, 0.9, 0.001);
  EXPECT_NE(by_cpu->find("costly")->details.find("90.00%"), std::string::npos);
  const auto by_count = parse_svg(render_flamegraph_svg(profile));
  ASSERT_TRUE(by_count);
  EXPECT_NEAR(by_count->find("costly")->width / by_count->find("all")->width, 0.5, 0.001);
}

TEST(flamegraph, empty_profile_is_a_valid_document_saying_so) {
  const auto svg = parse_svg(render_flamegraph_svg(coroscope::cpu_profile{}));
  ASSERT_TRUE(svg);
  EXPECT_TRUE(svg->frames.empty());
  EXPECT_EQ(svg->note, "No samples");
}

TEST(flamegraph, recursion_and_repeated_names_on_a_path_are_separate_frames) {
  const auto svg = parse_svg(render_flamegraph_svg(make_profile({{"main;fib;fib;fib", 4}})));
  ASSERT_TRUE(svg);
  EXPECT_EQ(std::count_if(svg->frames.begin(), svg->frames.end(), [](const auto& f) { return f.name == "fib"; }), 3);
}

// 100k samples over random deep stacks: most call paths are far narrower than a pixel.
TEST(flamegraph, narrow_frames_are_merged_so_large_profiles_stay_small) {
  std::mt19937 random(12345);
  coroscope::cpu_profile profile;
  constexpr int max_depth = 24;
  for (int i = 0; i < 100'000; ++i) {
    coroscope::sample s;
    const int depth = 1 + static_cast<int>(random() % max_depth);
    for (int d = 0; d < depth; ++d) {
      coroscope::frame f;
      f.function = "fn" + std::to_string(random() % 300);
      s.stack.push_back(profile.add_frame(f));
    }
    s.cpu_ns = 10'000'000;
    profile.samples.push_back(std::move(s));
  }
  flamegraph_options options;  // 1200 px wide, 0.5 px minimum
  const std::string raw = render_flamegraph_svg(profile, options);
  const auto svg = parse_svg(raw);
  ASSERT_TRUE(svg);
  // Drawn boxes of one row never overlap and are each at least min_frame_width wide.
  const double plot = options.width - 20.0;
  const auto per_row_bound = static_cast<std::size_t>(plot / options.min_frame_width);
  EXPECT_LE(svg->frames.size(), (max_depth + 1) * per_row_bound);
  EXPECT_LT(svg->frames.size(), 20'000u);
  EXPECT_LT(raw.size(), 6u * 1024 * 1024);
  std::size_t merged = 0;
  double row1_width = 0;
  const double row1_y = svg->find("all")->y - options.frame_height;
  for (const auto& f : svg->frames) {
    EXPECT_GE(f.width, options.min_frame_width - 0.01) << f.name;
    if (f.css_class == "m") ++merged;
    if (f.y == row1_y) row1_width += f.width;
  }
  EXPECT_GT(merged, 0u);
  // Merging keeps the width of what it hides: the first row still spans the root.
  EXPECT_NEAR(row1_width, svg->find("all")->width, 2.0);  // each x/width is rounded to 0.01 px
  // Far fewer boxes than call paths: count the distinct paths of the first three frames.
  std::set<std::string> paths;
  for (const auto& s : profile.samples) {
    std::string path;
    for (auto it = s.stack.rbegin(); it != s.stack.rend() && it - s.stack.rbegin() < 3; ++it) {
      path += profile.frames[*it].function + ';';
      paths.insert(path);
    }
  }
  EXPECT_GT(paths.size(), 5 * svg->frames.size());
}

}  // namespace
