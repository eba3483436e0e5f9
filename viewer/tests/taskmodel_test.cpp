// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <QAbstractItemModelTester>
#include <QColor>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include "models/taskmodel.hpp"
#include "resultsbuilder.hpp"
#include "test_data.hpp"

namespace coroscope::viewer {
namespace {

using namespace test;
using Tester = QAbstractItemModelTester;

ResultsPtr results(std::vector<task_info> tasks, int seconds = 0) {
  ResultsBuilder b;
  return b.add(makeState(1, seconds, std::move(tasks)));
}

std::vector<task_info> family() {
  return {makeTask(1, 0, "accept-loop", task_state::idle, 5, 2, 100, "server.cpp", 20),
          makeTask(2, 1, "session", task_state::running, 50, 30, 90, "server.cpp", 44),
          makeTask(3, 1, "session", task_state::completed, 7, 3, 40, "server.cpp", 44),
          makeTask(4, 2, "db.query", task_state::scheduled, 9, 8, 30, "db.cpp", 12),
          makeTask(5, 0, "timer", task_state::idle, 1, 1, 100, "timer.cpp", 3)};
}

QString text(const QAbstractItemModel& m, int row, int column, const QModelIndex& parent = {}) {
  return m.index(row, column, parent).data().toString();
}

TEST(TaskModel, FlatListHasTheTokioConsoleColumns) {
  TaskModel model;
  Tester tester(&model, Tester::FailureReportingMode::Fatal);
  model.setResults(results(family()));
  ASSERT_EQ(model.rowCount(), 5);
  ASSERT_EQ(model.columnCount(), TaskModel::ColumnCount);
  EXPECT_EQ(model.headerData(TaskModel::Scheduled, Qt::Horizontal, Qt::DisplayRole).toString(), "Sched");
  EXPECT_EQ(text(model, 1, TaskModel::Id), "2");
  EXPECT_EQ(text(model, 1, TaskModel::Name), "session");
  EXPECT_EQ(text(model, 1, TaskModel::State), "running");
  EXPECT_EQ(text(model, 1, TaskModel::Busy), "30.0ms");
  EXPECT_EQ(text(model, 1, TaskModel::Polls), "50");
  EXPECT_EQ(text(model, 1, TaskModel::Location), "server.cpp:44");
  EXPECT_EQ(text(model, 1, TaskModel::Fields), "parent=1");
  EXPECT_EQ(model.index(1, TaskModel::Busy).data(SortRole).toLongLong(), 30'000'000);
  EXPECT_EQ(model.rowCount(model.index(0, 0)), 0);  // flat: no children
}

TEST(TaskModel, CompletedTasksAreDimmed) {
  TaskModel model;
  model.setResults(results(family()));
  const QModelIndex done = model.indexOfTask(3);
  ASSERT_TRUE(done.isValid());
  EXPECT_TRUE(done.data(CompletedRole).toBool());
  EXPECT_EQ(done.data(Qt::ForegroundRole).value<QColor>(), QColor(Qt::gray));
  EXPECT_FALSE(model.indexOfTask(2).data(Qt::ForegroundRole).isValid());
}

TEST(TaskModel, TreeModePutsChildrenUnderTheirParent) {
  TaskModel model;
  Tester tester(&model, Tester::FailureReportingMode::Fatal);
  model.setResults(results(family()));
  model.setTreeMode(true);
  ASSERT_EQ(model.rowCount(), 2);  // tasks 1 and 5
  const QModelIndex accept = model.index(0, 0);
  EXPECT_EQ(accept.data(TaskIdRole).toULongLong(), 1u);
  ASSERT_EQ(model.rowCount(accept), 2);
  const QModelIndex session = model.index(0, 0, accept);
  EXPECT_EQ(session.data(TaskIdRole).toULongLong(), 2u);
  ASSERT_EQ(model.rowCount(session), 1);
  EXPECT_EQ(text(model, 0, TaskModel::Name, session), "db.query");
  EXPECT_EQ(model.parent(model.index(0, 3, session)), session);
  EXPECT_EQ(model.indexOfTask(4).parent(), session);
  model.setTreeMode(false);
  EXPECT_EQ(model.rowCount(), 5);
}

TEST(TaskModel, AnOrphanIsARootInTreeMode) {
  TaskModel model;
  model.setTreeMode(true);
  model.setResults(results({makeTask(8, 3, "orphan", task_state::idle)}));
  EXPECT_EQ(model.rowCount(), 1);
}

TEST(TaskModel, SameTasksUpdateInPlaceNewTasksReset) {
  TaskModel model;
  Tester tester(&model, Tester::FailureReportingMode::Fatal);
  model.setTreeMode(true);
  model.setResults(results(family()));
  QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
  QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
  const QPersistentModelIndex kept = model.indexOfTask(4);

  auto next = family();
  next[3].polls = 99;
  model.setResults(results(next, 1));
  EXPECT_EQ(resets.count(), 0);
  EXPECT_GE(changes.count(), 3);  // roots, children of 1, children of 2
  ASSERT_TRUE(kept.isValid());
  EXPECT_EQ(model.index(kept.row(), TaskModel::Polls, kept.parent()).data().toString(), "99");

  next.push_back(makeTask(6, 5, "tick", task_state::running));
  model.setResults(results(next, 2));
  EXPECT_EQ(resets.count(), 1);
  EXPECT_EQ(model.rowCount(model.indexOfTask(5)), 1);
}

TEST(TaskFilterProxy, FiltersByNameStateAndLocation) {
  TaskModel model;
  TaskFilterProxy proxy;
  proxy.setSourceModel(&model);
  Tester tester(&proxy, Tester::FailureReportingMode::Fatal);
  model.setResults(results(family()));
  proxy.setSearchText("SESSION");
  EXPECT_EQ(proxy.rowCount(), 2);
  proxy.setSearchText("running");
  ASSERT_EQ(proxy.rowCount(), 1);
  EXPECT_EQ(proxy.index(0, TaskModel::Id).data().toString(), "2");
  proxy.setSearchText("db.cpp");
  ASSERT_EQ(proxy.rowCount(), 1);
  EXPECT_EQ(proxy.index(0, TaskModel::Name).data().toString(), "db.query");
  proxy.setSearchText("db.cpp:12");
  EXPECT_EQ(proxy.rowCount(), 1);
  proxy.setSearchText("nothing-like-this");
  EXPECT_EQ(proxy.rowCount(), 0);
}

TEST(TaskFilterProxy, TreeFilterKeepsTheAncestorsOfAMatch) {
  TaskModel model;
  model.setTreeMode(true);
  TaskFilterProxy proxy;
  proxy.setSourceModel(&model);
  Tester tester(&proxy, Tester::FailureReportingMode::Fatal);
  model.setResults(results(family()));
  proxy.setSearchText("db.query");
  ASSERT_EQ(proxy.rowCount(), 1);
  const QModelIndex accept = proxy.index(0, 0);
  ASSERT_EQ(proxy.rowCount(accept), 1);
  const QModelIndex session = proxy.index(0, 0, accept);
  ASSERT_EQ(proxy.rowCount(session), 1);
  EXPECT_EQ(proxy.index(0, TaskModel::Name, session).data().toString(), "db.query");
}

TEST(TaskFilterProxy, SortsNumericallyBySortRole) {
  TaskModel model;
  TaskFilterProxy proxy;
  proxy.setSourceModel(&model);
  Tester tester(&proxy, Tester::FailureReportingMode::Fatal);
  model.setResults(results(family()));
  proxy.sort(TaskModel::Polls, Qt::DescendingOrder);
  std::vector<qulonglong> polls;
  for (int r = 0; r < proxy.rowCount(); ++r)
    polls.push_back(proxy.index(r, TaskModel::Polls).data(SortRole).toULongLong());
  EXPECT_EQ(polls, (std::vector<qulonglong>{50, 9, 7, 5, 1}));  // 50 > 9 numerically, not as text
  proxy.sort(TaskModel::Name, Qt::AscendingOrder);
  EXPECT_EQ(proxy.index(0, TaskModel::Name).data().toString(), "accept-loop");
  // A live update re-sorts (dynamicSortFilter) without a reset.
  auto next = family();
  next[0].name = "zz-last";
  model.setResults(results(next, 1));
  EXPECT_EQ(proxy.index(proxy.rowCount() - 1, TaskModel::Name).data().toString(), "zz-last");
}

TEST(TaskModel, ManyTasksPassTheTester) {
  TaskModel model;
  TaskFilterProxy proxy;
  proxy.setSourceModel(&model);
  model.setTreeMode(true);
  Tester tester(&proxy, Tester::FailureReportingMode::Fatal);
  model.setResults(results(manyTasks(500)));
  proxy.sort(TaskModel::Busy, Qt::DescendingOrder);
  proxy.setSearchText("session");
  EXPECT_GT(proxy.rowCount(), 0);
}

}  // namespace
}  // namespace coroscope::viewer
