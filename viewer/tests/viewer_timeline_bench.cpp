// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// How long the timeline tab takes with a big window: 10k tasks and 1M events (800k
// polls, 150k wakes, 50k parks on 4 workers over 10 s). Times the console protocol's
// encoding and decoding of it, setting the window (the index build) and painting one frame (offscreen, 1600x400) at full zoom-out and zoomed
// to 10 ms, with a selected task's wake arrows, and a live second: a partial reply of a
// tenth of the window's events added to it (what the console's client does each second
// while the tab is visible). Prints medians; asserts nothing.
//   ./viewer_timeline_bench [events]
#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "bench_timer.hpp"
#include "coroscope/console/timeline_conversions.hpp"
#include "pages/timelinepage.hpp"
#include "timeline/timelineview.hpp"

using namespace coroscope;
using namespace coroscope::viewer;
using coroscope::viewer::bench::medianMs;

namespace {

std::shared_ptr<timeline> bigWindow(std::size_t events) {
  constexpr unsigned workers = 4;
  constexpr std::uint64_t tasks = 10'000, span = 10'000'000'000ull;  // 10 s
  auto t = std::make_shared<timeline>();
  t->begin_ns = 1'000'000'000;
  t->end_ns = t->begin_ns + span;
  for (unsigned w = 0; w < workers; ++w) t->workers.push_back({w, "coroscope-w" + std::to_string(w), 0});
  for (std::uint64_t id = 1; id <= tasks; ++id) t->tasks.push_back({id, id / 10, "handler"});
  std::mt19937_64 rng(7);
  const std::size_t polls = events * 8 / 10, wakes = events * 15 / 100, parks = events - polls - wakes;
  // Polls back to back per worker, 40 µs apart on average, a few µs to a few 100 µs long.
  const std::uint64_t step = span * workers / polls;
  for (std::size_t i = 0; i < polls; ++i) {
    const unsigned w = unsigned(i % workers);
    const std::uint64_t b = t->begin_ns + (i / workers) * step;
    t->polls.push_back({w, 1 + rng() % tasks, b, b + 1000 + rng() % (step - 1000)});
  }
  for (std::size_t i = 0; i < wakes; ++i) {
    t->wakes.push_back({1 + rng() % tasks, t->begin_ns + rng() % span, timeline::waker_kind::task, 1 + rng() % tasks});
  }
  for (std::size_t i = 0; i < parks; ++i) {
    const std::uint64_t b = t->begin_ns + i * (span / parks);
    t->parks.push_back({unsigned(i % workers), b, b + 500});
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  const std::size_t events = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1'000'000;
  const auto window = bigWindow(events);
  // The wire: what the probe's server and the console's client do with a window.
  std::string bytes;
  const double encode = medianMs(3, [&](int) {
    coroscope::console::v1::Timeline m;
    coroscope::console::detail::to_proto(*window, &m);
    bytes = m.SerializeAsString();
  });
  const double decode = medianMs(3, [&](int) {
    coroscope::console::v1::Timeline m;
    m.ParseFromString(bytes);
    timeline out;
    std::string error;
    coroscope::console::detail::from_proto(m, out, error);
  });
  // A live second: the events recorded since the last reply, after the window's end, with
  // the window's start moved on by a second (the recorder evicted the oldest).
  timeline part = *bigWindow(events / 10);
  part.partial = true;
  const std::uint64_t shift = window->end_ns - part.begin_ns;
  for (auto& p : part.polls) p.begin_ns += shift, p.end_ns += shift;
  for (auto& w : part.wakes) w.time_ns += shift;
  for (auto& k : part.parks) k.begin_ns += shift, k.end_ns += shift;
  part.begin_ns = window->begin_ns + 1'000'000'000;
  part.end_ns += shift;
  std::string partBytes;
  {
    coroscope::console::v1::Timeline m;
    coroscope::console::detail::to_proto(part, &m);
    partBytes = m.SerializeAsString();
  }
  std::vector<timeline> parts(3, part);
  std::size_t mergedEvents = 0;
  const double merge = medianMs(3, [&](int i) {
    const timeline merged = coroscope::console::detail::add_partial(*window, std::move(parts[i]));
    mergedEvents = merged.polls.size() + merged.wakes.size() + merged.parks.size();
  });
  TimelinePage page;
  page.setRefreshInterval(0);
  page.resize(1600, 400);
  TimelineView* view = page.view();
  const double set = medianMs(5, [&](int) { page.setTimeline(window); });
  QImage frame(view->size(), QImage::Format_ARGB32_Premultiplied);
  auto paint = [&](int) {
    QPainter p(&frame);
    view->render(&p);
  };
  view->showAll();
  const double all = medianMs(9, paint);
  const double layoutOnly = medianMs(9, [&](int) {
    for (std::size_t r = 0; r < view->index()->rowCount(); ++r) (void)view->boxes(r);
  });
  view->selectTask(window->polls[window->polls.size() / 2].task_id);
  const double select = medianMs(5, [&](int) { view->selectTask(window->polls[window->polls.size() / 2].task_id); });
  const double allArrows = medianMs(9, paint);
  const std::uint64_t mid = window->begin_ns + (window->end_ns - window->begin_ns) / 2;
  view->setVisibleRange(mid, mid + 10'000'000);
  const double zoomed = medianMs(9, paint);
  std::printf("timeline tab, %zu tasks, %zu events (%zu polls, %zu wakes, %zu parks), %dx%d px\n",
              window->tasks.size(), window->polls.size() + window->wakes.size() + window->parks.size(),
              window->polls.size(), window->wakes.size(), window->parks.size(), view->width(), view->height());
  std::printf("  wire: encode %.1f ms, %.1f MB (%.1f bytes/event), decode %.1f ms\n", encode,
              double(bytes.size()) / 1e6, double(bytes.size()) / double(events), decode);
  std::printf("  a live second: %zu events, %.1f MB on the wire, added to the window in %.1f ms (%zu events after)\n",
              part.polls.size() + part.wakes.size() + part.parks.size(), double(partBytes.size()) / 1e6,
              merge, mergedEvents);
  std::printf("  set the window (index build): %7.1f ms\n", set);
  std::printf("  select a task (wake arrows):  %7.1f ms (%zu arrows)\n", select, view->wakeArrows().size());
  std::printf("  paint, full zoom-out:         %7.1f ms (no selection)\n", all);
  std::printf("  of which laying out the boxes: %7.1f ms\n", layoutOnly);
  std::printf("  paint, full zoom-out+arrows:  %7.1f ms\n", allArrows);
  std::printf("  paint, zoomed to 10 ms:       %7.1f ms\n", zoomed);
  return 0;
}
