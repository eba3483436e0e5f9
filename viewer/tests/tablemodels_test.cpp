// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>

#include <gtest/gtest.h>

#include "models/awaitsitemodel.hpp"
#include "models/slowawaitmodel.hpp"
#include "models/warningmodel.hpp"
#include "models/workermodel.hpp"
#include "resultsbuilder.hpp"
#include "test_data.hpp"

namespace coroscope::viewer {
namespace {

using namespace test;
using Tester = QAbstractItemModelTester;

worker_info worker(unsigned index, int busyMs, int elapsedMs) {
  worker_info w;
  w.index = index;
  w.busy = std::chrono::milliseconds(busyMs);
  w.elapsed = std::chrono::milliseconds(elapsedMs);
  w.busy_ratio = double(busyMs) / elapsedMs;
  w.polls = 10u * index + 3;
  w.parks = 4;
  w.noop_unparks = 1;
  w.steals = 2;
  w.remote_schedules = 5;
  w.running = true;
  return w;
}

await_site_info site(std::string name, std::uint64_t count, std::uint64_t slow, int maxMs) {
  await_site_info s;
  s.name = std::move(name);
  s.file = "/src/db.cpp";
  s.line = 31;
  s.count = count;
  s.slow_count = slow;
  s.total = std::chrono::milliseconds(count * 2);
  s.max = std::chrono::milliseconds(maxMs);
  s.durations.p50 = 1ms;
  s.durations.p90 = 3ms;
  s.durations.p99 = 9ms;
  return s;
}

TEST(WorkerModel, ShowsCountersAndAHistoryForTheSparkline) {
  ResultsBuilder b;
  WorkerModel model;
  Tester tester(&model, Tester::FailureReportingMode::Fatal);
  auto s = makeState(1, 0, {});
  s.workers = {worker(0, 100, 1000), worker(1, 500, 1000)};
  model.setResults(b.add(s));
  ASSERT_EQ(model.rowCount(), 2);
  ASSERT_EQ(model.columnCount(), WorkerModel::ColumnCount);
  EXPECT_EQ(model.index(1, WorkerModel::Polls).data().toString(), "13");
  EXPECT_EQ(model.index(1, WorkerModel::BusyTotal).data().toString(), "50.0%");
  EXPECT_EQ(model.index(0, WorkerModel::NoopUnparks).data().toString(), "1");
  EXPECT_EQ(model.index(0, WorkerModel::RemoteSchedules).data().toString(), "5");

  QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
  s = makeState(2, 1, {});
  s.workers = {worker(0, 400, 2000), worker(1, 600, 2000)};
  model.setResults(b.add(s));
  EXPECT_EQ(resets.count(), 0);  // same workers: updated in place
  const auto history = model.index(0, WorkerModel::Busy).data(HistoryRole).value<QList<double>>();
  ASSERT_EQ(history.size(), 2);
  EXPECT_DOUBLE_EQ(history[1], 0.3);
  EXPECT_EQ(model.index(0, WorkerModel::Busy).data().toString(), "30.0%");
  EXPECT_FALSE(model.index(0, WorkerModel::Polls).data(HistoryRole).isValid());
}

TEST(AwaitSiteModel, ShowsStatsAndSortsByDuration) {
  ResultsBuilder b;
  AwaitSiteModel model;
  QSortFilterProxyModel proxy;
  proxy.setSourceModel(&model);
  proxy.setSortRole(SortRole);
  Tester tester(&proxy, Tester::FailureReportingMode::Fatal);
  auto s = makeState(1, 0, {});
  s.await_sites = {site("sock.async_read_some(...)", 100, 0, 5), site("db.query", 10, 3, 900)};
  model.setResults(b.add(s));
  ASSERT_EQ(proxy.rowCount(), 2);
  EXPECT_EQ(model.index(1, AwaitSiteModel::Location).data().toString(), "db.cpp:31");
  EXPECT_EQ(model.index(1, AwaitSiteModel::Slow).data().toString(), "3");
  EXPECT_EQ(model.index(1, AwaitSiteModel::Max).data().toString(), "900ms");
  EXPECT_EQ(model.index(1, AwaitSiteModel::Mean).data().toString(), "2.00ms");
  EXPECT_EQ(model.index(1, AwaitSiteModel::P99).data().toString(), "9.00ms");
  proxy.sort(AwaitSiteModel::Max, Qt::DescendingOrder);
  EXPECT_EQ(proxy.index(0, AwaitSiteModel::Name).data().toString(), "db.query");
  proxy.sort(AwaitSiteModel::Count, Qt::DescendingOrder);
  EXPECT_EQ(proxy.index(0, AwaitSiteModel::Name).data().toString(), "sock.async_read_some(...)");
}

TEST(WarningModel, ListsEveryLintWithItsTask) {
  ResultsBuilder b;
  WarningModel model;
  Tester tester(&model, Tester::FailureReportingMode::Fatal);
  auto s = makeState(1, 0, {makeTask(9, 0, "slow", task_state::idle)});
  s.warnings = {{"long-poll", 9, "slow", "a poll took 25ms", 4, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"},
                {"stuck", 9, "slow", "idle for 70s", 1, "", ""}};
  model.setResults(b.add(s));
  ASSERT_EQ(model.rowCount(), 2);
  EXPECT_EQ(model.index(0, WarningModel::Lint).data().toString(), "long-poll");
  EXPECT_EQ(model.index(0, WarningModel::Occurrences).data().toString(), "4");
  EXPECT_EQ(model.index(1, WarningModel::Message).data().toString(), "idle for 70s");
  EXPECT_EQ(model.index(1, WarningModel::Lint).data(TaskIdRole).toULongLong(), 9u);
  EXPECT_TRUE(model.index(0, WarningModel::Trace).data().toString().startsWith("4bf92f35"));
  s.warnings.pop_back();
  model.setResults(b.add(makeState(2, 1, {})));
  EXPECT_EQ(model.rowCount(), 0);
}

TEST(SlowAwaitModel, ShowsTheLog) {
  ResultsBuilder b;
  SlowAwaitModel model;
  Tester tester(&model, Tester::FailureReportingMode::Fatal);
  for (int i = 0; i < 3; ++i) {
    auto s = makeState(std::uint64_t(i + 1), i, {});
    s.await_sites = {site("db.query", 10u * std::uint64_t(i + 1), std::uint64_t(i * 2), 300)};
    model.setResults(b.add(s));
  }
  ASSERT_EQ(model.rowCount(), 2);  // growths at t=1 and t=2
  EXPECT_EQ(model.index(1, SlowAwaitModel::Site).data().toString(), "db.query");
  EXPECT_EQ(model.index(1, SlowAwaitModel::NewSlow).data().toString(), "2");
  EXPECT_EQ(model.index(1, SlowAwaitModel::SlowTotal).data().toString(), "4");
  EXPECT_EQ(model.index(1, SlowAwaitModel::Max).data().toString(), "300ms");
}

TEST(ResultsTableModel, EmptyAndNullResultsAreFine) {
  WorkerModel model;
  Tester tester(&model, Tester::FailureReportingMode::Fatal);
  EXPECT_EQ(model.rowCount(), 0);
  model.setResults(std::make_shared<const Results>());
  EXPECT_EQ(model.rowCount(), 0);
  model.setResults(nullptr);
  EXPECT_EQ(model.rowCount(), 0);
}

}  // namespace
}  // namespace coroscope::viewer
