// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "flamegraph_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace coroscope::detail {
namespace {

constexpr double side_margin = 10;
constexpr double header_height = 52;
constexpr double footer_height = 30;
constexpr double font_size = 12;
// Width of one monospace character at `font_size`; the script uses the same figure.
constexpr double char_width = font_size * 0.6;

// Zoom, search and hover. Frames are the <g> children of #frames: <title>name\ndetails</title>
// <rect/><text/>. The original geometry is read back from the rects once, at load.
constexpr std::string_view script = R"JS(
"use strict";
(function () {
  var svg = document.documentElement;
  var W = +svg.getAttribute("data-plot-width"), PAD = +svg.getAttribute("data-margin");
  var CHARW = +svg.getAttribute("data-char-width"), ICICLE = svg.getAttribute("data-icicle") === "1";
  var details = document.getElementById("details"), matched = document.getElementById("matched");
  var unzoomBtn = document.getElementById("unzoom"), frames = [], current = "";
  var groups = document.getElementById("frames").children;
  for (var i = 0; i < groups.length; ++i) {
    var g = groups[i], r = g.getElementsByTagName("rect")[0], tip = g.getElementsByTagName("title")[0].textContent;
    var e = { g: g, r: r, t: g.getElementsByTagName("text")[0], name: tip.split("\n")[0], tip: tip.replace("\n", " | "),
              x: +r.getAttribute("x"), w: +r.getAttribute("width"), y: +r.getAttribute("y"), fill: r.getAttribute("fill") };
    g.frame = e;
    frames.push(e);
  }
  function label(name, w) {
    var n = Math.floor((w - 6) / CHARW);
    if (n < 3) return "";
    return name.length <= n ? name : name.substring(0, n - 2) + "..";
  }
  function place(e, x, w) {
    e.r.setAttribute("x", x.toFixed(2));
    e.r.setAttribute("width", w.toFixed(2));
    e.t.setAttribute("x", (x + 3).toFixed(2));
    e.t.textContent = label(e.name, w);
  }
  function frameOf(node) {
    for (; node && node !== svg; node = node.parentNode) if (node.frame) return node.frame;
    return null;
  }
  function zoom(f) {
    var scale = W / f.w, eps = 1e-6;
    frames.forEach(function (e) {
      var above = ICICLE ? e.y >= f.y : e.y <= f.y;
      e.g.classList.remove("hide", "parent");
      if (above && e.x >= f.x - eps && e.x + e.w <= f.x + f.w + eps) {
        place(e, PAD + (e.x - f.x) * scale, e.w * scale);
      } else if (!above && e.x <= f.x + eps && e.x + e.w >= f.x + f.w - eps) {
        e.g.classList.add("parent");
        place(e, PAD, W);
      } else {
        e.g.classList.add("hide");
      }
    });
    unzoomBtn.classList.remove("hide");
  }
  function unzoom() {
    frames.forEach(function (e) { e.g.classList.remove("hide", "parent"); place(e, e.x, e.w); });
    unzoomBtn.classList.add("hide");
  }
  function resetSearch() {
    frames.forEach(function (e) { e.r.setAttribute("fill", e.fill); });
    matched.textContent = "";
    current = "";
  }
  function search(term) {
    var re;
    try { re = new RegExp(term); } catch (err) { matched.textContent = "Bad regular expression"; return; }
    resetSearch();
    current = term;
    // The matched share is the union of the matched frames' spans, so nested matches
    // (a recursive function) are not counted twice.
    var spans = [];
    frames.forEach(function (e) {
      if (e.g.classList.contains("m") || !re.test(e.name)) return;
      e.r.setAttribute("fill", "rgb(230,0,230)");
      spans.push([e.x, e.x + e.w]);
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var covered = 0, end = -Infinity;
    spans.forEach(function (s) {
      if (s[0] > end) { covered += s[1] - s[0]; end = s[1]; }
      else if (s[1] > end) { covered += s[1] - end; end = s[1]; }
    });
    matched.textContent = "Matched: " + (100 * covered / W).toFixed(2) + "%";
  }
  function promptSearch() {
    var term = window.prompt("Search frames (regular expression):", current);
    if (term === null) return;
    if (term === "") resetSearch(); else search(term);
  }
  svg.addEventListener("mouseover", function (evt) {
    var f = frameOf(evt.target);
    if (f) details.textContent = f.tip;
  });
  svg.addEventListener("mouseout", function (evt) {
    if (frameOf(evt.target)) details.textContent = " ";
  });
  svg.addEventListener("click", function (evt) {
    var f = frameOf(evt.target);
    if (f) zoom(f);
  });
  unzoomBtn.addEventListener("click", unzoom);
  document.getElementById("search").addEventListener("click", promptSearch);
  window.addEventListener("keydown", function (evt) {
    if ((evt.key === "f" && (evt.ctrlKey || evt.metaKey)) || evt.key === "/") {
      evt.preventDefault();
      promptSearch();
    } else if (evt.key === "Escape") {
      unzoom();
      resetSearch();
    }
  });
  window.coroscopeFlame = { zoom: zoom, unzoom: unzoom, search: search, resetSearch: resetSearch };
})();
)JS";

constexpr std::string_view style = R"CSS(
text { font-family: monospace; font-size: 12px; fill: #000; }
#frames text { pointer-events: none; }
#frames g:hover rect { stroke: #000; stroke-width: 0.5; cursor: pointer; }
.title { font-size: 17px; text-anchor: middle; }
.note { fill: #444; text-anchor: middle; }
.button { fill: #236; cursor: pointer; text-decoration: underline; }
.hide { display: none; }
.parent { opacity: 0.5; }
)CSS";

void append_number(std::string& out, double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  out += buffer;
}

// A label that fits `width` pixels, cut at a UTF-8 character boundary.
std::string fit_label(std::string_view name, double width) {
  const double chars = std::floor((width - 6) / char_width);
  if (chars < 3) return {};
  const auto n = static_cast<std::size_t>(chars);
  if (name.size() <= n) return std::string(name);
  std::size_t cut = n - 2;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return std::string(name.substr(0, cut)) + "..";
}

// Length of the valid UTF-8 sequence at the start of `s`, or 0 when it is not one.
std::size_t utf8_sequence(std::string_view s) {
  const auto lead = static_cast<unsigned char>(s[0]);
  std::size_t length = 0;
  std::uint32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) { length = 2; min = 0x80; }
  else if (lead >= 0xE0 && lead <= 0xEF) { length = 3; min = 0x800; }
  else if (lead >= 0xF0 && lead <= 0xF4) { length = 4; min = 0x10000; }
  else return 0;
  if (s.size() < length) return 0;
  std::uint32_t code = lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(s[i]);
    if ((byte & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  // U+FFFE and U+FFFF are not XML characters.
  if (code == 0xFFFE || code == 0xFFFF) return 0;
  return length;
}

}  // namespace

void append_xml_escaped(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      const std::size_t length = utf8_sequence(text.substr(i));
      if (length == 0) {
        out += '?';
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += '\n'; break;
      default: out += (byte < 0x20 || byte == 0x7F) ? '?' : c; break;
    }
    ++i;
  }
}

double plot_width(const flamegraph_options& options) {
  return std::max(200.0, static_cast<double>(options.width)) - 2 * side_margin;
}

std::string format_percent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f%%", 100.0 * fraction);
  return buffer;
}

std::string format_cpu(std::int64_t ns) {
  char buffer[48];
  const auto value = static_cast<double>(ns);
  if (ns >= 1'000'000'000) std::snprintf(buffer, sizeof buffer, "%.2f s", value / 1e9);
  else if (ns >= 1'000'000) std::snprintf(buffer, sizeof buffer, "%.2f ms", value / 1e6);
  else if (ns >= 1'000) std::snprintf(buffer, sizeof buffer, "%.2f us", value / 1e3);
  else std::snprintf(buffer, sizeof buffer, "%lld ns", static_cast<long long>(ns));
  return buffer;
}

std::string rgb(int r, int g, int b) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "rgb(%d,%d,%d)", r, g, b);
  return buffer;
}

std::string write_svg(const flame_tree& tree, const std::vector<flame_box>& boxes,
                      const flamegraph_options& options, const svg_page& page,
                      const std::function<box_style(const flame_box&)>& box_style_of) {
  const double plot = plot_width(options);
  const double image_width = plot + 2 * side_margin;
  const double row = std::max(8u, options.frame_height);
  std::uint32_t rows = 1;
  for (const flame_box& b : boxes) rows = std::max(rows, b.depth + 1);
  const double image_height = header_height + rows * row + footer_height;

  std::string out;
  out.reserve(4096 + boxes.size() * 200);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
  out += "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"";
  append_number(out, image_width);
  out += "\" height=\"";
  append_number(out, image_height);
  out += "\" viewBox=\"0 0 ";
  append_number(out, image_width);
  out += ' ';
  append_number(out, image_height);
  out += "\" data-plot-width=\"";
  append_number(out, plot);
  out += "\" data-margin=\"";
  append_number(out, side_margin);
  out += "\" data-char-width=\"";
  append_number(out, char_width);
  out += "\" data-icicle=\"";
  out += options.icicle ? '1' : '0';
  out += "\">\n<style type=\"text/css\"><![CDATA[";
  out += style;
  out += "]]></style>\n<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"";
  append_xml_escaped(out, page.background);
  out += "\"/>\n<text class=\"title\" x=\"";
  append_number(out, image_width / 2);
  out += "\" y=\"22\">";
  append_xml_escaped(out, page.title);
  out += "</text>\n";
  if (!page.note.empty()) {
    out += "<text id=\"note\" class=\"note\" x=\"";
    append_number(out, image_width / 2);
    out += "\" y=\"40\">";
    if (!page.note_tooltip.empty()) {
      out += "<title>";
      append_xml_escaped(out, page.note_tooltip);
      out += "</title>";
    }
    append_xml_escaped(out, page.note);
    out += "</text>\n";
  }
  out += "<text id=\"unzoom\" class=\"button hide\" x=\"10\" y=\"22\">Reset zoom</text>\n";
  out += "<text id=\"search\" class=\"button\" x=\"";
  append_number(out, image_width - 70);
  out += "\" y=\"22\">Search</text>\n";
  out += "<text id=\"details\" x=\"10\" y=\"";
  append_number(out, image_height - 10);
  out += "\"> </text>\n<text id=\"matched\" x=\"";
  append_number(out, image_width - 160);
  out += "\" y=\"";
  append_number(out, image_height - 10);
  out += "\"></text>\n<g id=\"frames\">\n";

  for (const flame_box& b : boxes) {
    const box_style s = box_style_of(b);
    const double x = side_margin + b.x * plot;
    const double w = b.width * plot;
    const double y = options.icicle ? header_height + b.depth * row
                                    : header_height + (rows - 1 - b.depth) * row;
    std::string name = b.merged != 0 ? std::to_string(b.merged) + " narrow frames" : tree.name(b.node);
    std::replace(name.begin(), name.end(), '\n', ' ');  // the script splits the tooltip on '\n'
    out += "<g class=\"";
    out += s.css_class;
    out += "\"><title>";
    append_xml_escaped(out, name);
    out += '\n';
    append_xml_escaped(out, s.details);
    out += "</title><rect x=\"";
    append_number(out, x);
    out += "\" y=\"";
    append_number(out, y);
    out += "\" width=\"";
    append_number(out, w);
    out += "\" height=\"";
    append_number(out, row - 1);
    out += "\" rx=\"2\" fill=\"";
    out += s.fill;
    out += "\"/><text x=\"";
    append_number(out, x + 3);
    out += "\" y=\"";
    append_number(out, y + row - 4);
    out += "\">";
    append_xml_escaped(out, fit_label(name, w));
    out += "</text></g>\n";
  }
  out += "</g>\n<script type=\"text/ecmascript\"><![CDATA[";
  out += script;
  out += "]]></script>\n</svg>\n";
  return out;
}

}  // namespace coroscope::detail
