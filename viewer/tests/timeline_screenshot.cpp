// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Renders the timeline tab offscreen from a small made-up window (an accept loop handing
// connections to sessions on 4 workers, a timer loop, parked gaps) with one session
// selected, and saves it: the README's screenshot.
//   ./viewer_timeline_screenshot docs/images/timeline.png
#include <QApplication>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <random>

#include "pages/timelinepage.hpp"
#include "timeline/timelineview.hpp"

using namespace coroscope;
using namespace coroscope::viewer;

namespace {

std::shared_ptr<timeline> exampleWindow() {
  constexpr std::uint64_t us = 1000, T0 = 3'600'000'000'000ull;
  auto t = std::make_shared<timeline>();
  t->process_name = "echo-server";
  t->begin_ns = T0;
  t->end_ns = T0 + 2000 * us;
  for (unsigned w = 0; w < 4; ++w) t->workers.push_back({w, "coroscope-w" + std::to_string(w), 0});
  t->tasks.push_back({1, 0, "accept-loop"});
  t->tasks.push_back({2, 0, "stats-timer"});
  for (std::uint64_t id = 3; id <= 14; ++id) t->tasks.push_back({id, 1, "session"});
  std::mt19937_64 rng(3);
  std::uint64_t free[4] = {T0, T0, T0, T0};
  const auto run = [&](unsigned w, std::uint64_t task, std::uint64_t at, std::uint64_t len) {
    at = std::max(at, free[w]);
    if (at > free[w] + 15 * us) t->parks.push_back({w, free[w] + 2 * us, at - 2 * us});
    t->polls.push_back({w, task, at, at + len});
    free[w] = at + len + 3 * us;
    return at;
  };
  std::uint64_t now = T0 + 20 * us;
  for (std::uint64_t session = 3; session <= 14; ++session, now += 150 * us) {
    const std::uint64_t a = run(0, 1, now, 25 * us);  // the accept loop spawns a session
    t->wakes.push_back({session, a + 20 * us, timeline::waker_kind::task, 1});
    std::uint64_t at = a + 30 * us;
    for (int read = 0; read < 4; ++read) {  // then the session reads and writes
      const unsigned w = 1 + unsigned(rng() % 3);
      const std::uint64_t b = run(w, session, at, 20 * us + rng() % (60 * us));
      at = b + 80 * us + rng() % (120 * us);
      t->wakes.push_back({session, at - 5 * us, timeline::waker_kind::io, 0});
    }
    t->wakes.push_back({1, a + 100 * us, timeline::waker_kind::io, 0});
  }
  for (std::uint64_t at = T0 + 400 * us; at < t->end_ns; at += 500 * us) {
    t->wakes.push_back({2, at, timeline::waker_kind::timer, 0});
    run(0, 2, at + 4 * us, 40 * us);
  }
  t->end_ns = std::max(t->end_ns, *std::max_element(std::begin(free), std::end(free)));
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.png\n", argv[0]);
    return 2;
  }
  TimelinePage page;
  page.setRefreshInterval(0);
  page.resize(1200, 250);
  page.setTimeline(exampleWindow());
  page.view()->selectTask(5);
  page.show();
  return page.grab().save(QString::fromLocal8Bit(argv[1])) ? 0 : 1;
}
