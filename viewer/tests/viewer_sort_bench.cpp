// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// How long the tasks view takes to take a new update, sort and filter with 10k tasks
// (the budget is 50 ms). Prints the median of several runs; asserts nothing.
//   ./viewer_sort_bench [tasks]
#include <QApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "models/taskmodel.hpp"
#include "bench_timer.hpp"
#include "resultsbuilder.hpp"
#include "test_data.hpp"

using namespace coroscope::viewer;
using coroscope::viewer::bench::medianMs;

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10000;
  auto tasks = test::manyTasks(n);
  ResultsBuilder builder;
  std::uint64_t seq = 0;
  auto next = [&] {
    for (auto& t : tasks) t.polls += 1 + t.id % 3;  // every task changes each update
    ++seq;
    return builder.add(test::makeState(seq, int(seq), tasks));
  };
  TaskModel model;
  TaskFilterProxy proxy;
  proxy.setSourceModel(&model);
  model.setResults(next());

  const double build = medianMs(9, [&](int) { next(); });
  proxy.sort(TaskModel::Busy, Qt::DescendingOrder);
  const double update = medianMs(9, [&](int) { model.setResults(next()); });
  const int columns[] = {TaskModel::Busy, TaskModel::Name, TaskModel::Polls, TaskModel::Location};
  const double sort = medianMs(8, [&](int i) {
    proxy.sort(columns[i % 4], i % 2 ? Qt::AscendingOrder : Qt::DescendingOrder);
  });
  const char* filters[] = {"session", "running", "file7.cpp", ""};
  const double filter = medianMs(8, [&](int i) { proxy.setSearchText(filters[i % 4]); });
  model.setTreeMode(true);
  const double treeUpdate = medianMs(9, [&](int) { model.setResults(next()); });

  std::printf("tasks view, %zu tasks (median ms): results build %.1f, update+resort %.1f, "
              "sort %.1f, filter %.1f, tree update+resort %.1f\n",
              n, build, update, sort, filter, treeUpdate);
  return 0;
}
