// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The viewer benchmarks' timer: the median wall time of several runs.
#pragma once

#include <QElapsedTimer>

#include <algorithm>
#include <vector>

namespace coroscope::viewer::bench {

/// Runs `f(i)` for i in [0, runs) and returns the median time of one run in ms.
template <class F>
double medianMs(int runs, F&& f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    QElapsedTimer t;
    t.start();
    f(i);
    ms.push_back(double(t.nsecsElapsed()) / 1e6);
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace coroscope::viewer::bench
