// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// What the probe sees without annotations, in the viewer: the resources table and its
// search, the operations by kind, a task's operations in its details, and the "(no task)"
// bucket beside the tasks.
#include <QAbstractItemModelTester>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTabWidget>
#include <QTreeView>

#include <gtest/gtest.h>

#include "mainwindow.hpp"
#include "models/operationkindmodel.hpp"
#include "models/resourcemodel.hpp"
#include "models/taskmodel.hpp"
#include "pages/resourcespage.hpp"
#include "pages/taskspage.hpp"
#include "resultsbuilder.hpp"
#include "taskdetailwidget.hpp"
#include "test_data.hpp"

namespace coroscope::viewer {
namespace {

using namespace test;
using Tester = QAbstractItemModelTester;

resource_info resource(std::uint64_t id, std::string kind, std::int64_t handle, std::uint64_t timed,
                       int p99Ms, std::uint64_t lastTask = 0, std::string lastName = {}) {
  resource_info r;
  r.id = id;
  r.kind = std::move(kind);
  r.native_handle = handle;
  r.timed_operations = timed;
  r.waits.count = timed;
  r.waits.p50 = std::chrono::milliseconds(p99Ms) / 4;
  r.waits.p99 = std::chrono::milliseconds(p99Ms);
  r.waits.max = std::chrono::milliseconds(2 * p99Ms);
  r.last_task_id = lastTask;
  r.last_task_name = std::move(lastName);
  return r;
}

/// Tasks 1 (accept-loop) and 2 (session); a listening socket, a session socket (closed),
/// a timer; two operation kinds; the "(no task)" bucket.
console_state stateWithResources(std::uint64_t sequence = 1, int seconds = 0) {
  auto s = makeState(sequence, seconds, {makeTask(1, 0, "accept-loop", task_state::idle),
                                         makeTask(2, 1, "session", task_state::running)});
  s.tasks.at(2).operations = {{"timer_wait", 2}, {"socket_read", 30}, {"socket_write", 10}};
  // The probe kept "" as the session's name: it used the socket before the task was named.
  s.resources = {{3, resource(3, "socket", 9, 4, 1, 1, "accept-loop")},
                 {7, resource(7, "socket", 12, 40, 8, 2, "")},
                 {8, resource(8, "timer", -1, 2, 100, 2, "session")}};
  s.resources.at(7).closed = true;
  operation_kind_info reads{"socket_read", 30, {}};
  reads.waits.count = 12;
  reads.waits.p50 = std::chrono::milliseconds(2);
  reads.waits.p90 = std::chrono::milliseconds(5);
  reads.waits.p99 = std::chrono::milliseconds(8);
  reads.waits.max = std::chrono::milliseconds(16);
  s.operation_kinds = {reads, {"timer_wait", 2, {}}};
  s.no_task = {12, std::chrono::microseconds(1500)};
  s.counts.dropped_resources = 5;
  return s;
}

TEST(ResourceModel, ShowsEachResourceWithItsWaitsStateAndLastTask) {
  ResultsBuilder b;
  ResourceModel model;
  Tester tester(&model, Tester::FailureReportingMode::Fatal);
  model.setResults(b.add(stateWithResources()));
  ASSERT_EQ(model.rowCount(), 3);
  ASSERT_EQ(model.columnCount(), ResourceModel::ColumnCount);
  EXPECT_EQ(model.index(0, ResourceModel::Id).data().toString(), "3");
  EXPECT_EQ(model.index(0, ResourceModel::Kind).data().toString(), "socket");
  EXPECT_EQ(model.index(0, ResourceModel::Handle).data().toString(), "9");
  EXPECT_EQ(model.index(0, ResourceModel::State).data().toString(), "open");
  EXPECT_EQ(model.index(1, ResourceModel::State).data().toString(), "closed");
  EXPECT_TRUE(model.index(1, ResourceModel::Kind).data(Qt::ForegroundRole).isValid()) << "closed: dimmed";
  EXPECT_FALSE(model.index(0, ResourceModel::Kind).data(Qt::ForegroundRole).isValid());
  EXPECT_EQ(model.index(1, ResourceModel::TimedOps).data().toString(), "40");
  EXPECT_EQ(model.index(1, ResourceModel::P50).data().toString(), "2.00ms");
  EXPECT_EQ(model.index(1, ResourceModel::P99).data().toString(), "8.00ms");
  EXPECT_EQ(model.index(1, ResourceModel::Max).data().toString(), "16.0ms");
  EXPECT_EQ(model.index(2, ResourceModel::Handle).data().toString(), "") << "a timer has no descriptor";
  // Named as the task list names it, also where the probe kept no name.
  EXPECT_EQ(model.index(1, ResourceModel::LastTask).data().toString(), "2 session");
  EXPECT_EQ(model.index(1, ResourceModel::Kind).data(TaskIdRole).toULongLong(), 2u);
}

TEST(ResourceModel, SameResourcesUpdateInPlaceOthersReset) {
  ResultsBuilder b;
  ResourceModel model;
  Tester tester(&model, Tester::FailureReportingMode::Fatal);
  model.setResults(b.add(stateWithResources(1, 0)));
  QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
  QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
  auto s = stateWithResources(2, 1);
  s.resources.at(3).timed_operations = 5;
  model.setResults(b.add(s));
  EXPECT_EQ(resets.count(), 0);
  EXPECT_EQ(changes.count(), 1);
  EXPECT_EQ(model.index(0, ResourceModel::TimedOps).data().toString(), "5");

  // As many resources, but another one: the rows are not the same.
  s = stateWithResources(3, 2);
  s.resources.erase(8);
  s.resources.emplace(9, resource(9, "executor", -1, 1, 1));
  model.setResults(b.add(s));
  EXPECT_EQ(resets.count(), 1);
  EXPECT_EQ(model.index(2, ResourceModel::Kind).data().toString(), "executor");
}

TEST(ResourcesPage, ProxySortsByValueAndSearchesKindHandleStateAndTask) {
  ResultsBuilder b;
  ResourcesPage page;
  QSortFilterProxyModel* proxy = page.proxy();
  Tester tester(proxy, Tester::FailureReportingMode::Fatal);
  page.setResults(b.add(stateWithResources()));
  ASSERT_EQ(proxy->rowCount(), 3);
  // Opens sorted by timed operations, most first.
  EXPECT_EQ(proxy->index(0, ResourceModel::Id).data().toString(), "7");
  proxy->sort(ResourceModel::P99, Qt::DescendingOrder);
  EXPECT_EQ(proxy->index(0, ResourceModel::Kind).data().toString(), "timer");
  proxy->sort(ResourceModel::Handle, Qt::AscendingOrder);
  EXPECT_EQ(proxy->index(0, ResourceModel::Kind).data().toString(), "timer");  // -1
  EXPECT_EQ(proxy->index(1, ResourceModel::Handle).data().toString(), "9");  // numbers, not text

  QLineEdit* resourceSearch = nullptr;
  for (auto* edit : page.findChildren<QLineEdit*>())
    if (edit->placeholderText().contains("handle")) resourceSearch = edit;
  ASSERT_NE(resourceSearch, nullptr);
  resourceSearch->setText("CLOSED");
  ASSERT_EQ(proxy->rowCount(), 1);
  EXPECT_EQ(proxy->index(0, ResourceModel::Id).data().toString(), "7");
  resourceSearch->setText("accept");
  ASSERT_EQ(proxy->rowCount(), 1);
  EXPECT_EQ(proxy->index(0, ResourceModel::Id).data().toString(), "3");
  resourceSearch->setText("timer");
  EXPECT_EQ(proxy->rowCount(), 1);
  resourceSearch->setText("12");  // a descriptor
  ASSERT_EQ(proxy->rowCount(), 1);
  EXPECT_EQ(proxy->index(0, ResourceModel::Id).data().toString(), "7");
  // The filter holds across an update.
  page.setResults(b.add(stateWithResources(2, 1)));
  EXPECT_EQ(proxy->rowCount(), 1);
  resourceSearch->clear();
  EXPECT_EQ(proxy->rowCount(), 3);
}

TEST(OperationKindModel, ShowsCountsAndWaitsByKind) {
  ResultsBuilder b;
  OperationKindModel model;
  QSortFilterProxyModel proxy;
  proxy.setSourceModel(&model);
  proxy.setSortRole(SortRole);
  Tester tester(&proxy, Tester::FailureReportingMode::Fatal);
  model.setResults(b.add(stateWithResources()));
  ASSERT_EQ(model.rowCount(), 2);
  EXPECT_EQ(model.index(0, OperationKindModel::Kind).data().toString(), "socket_read");
  EXPECT_EQ(model.index(0, OperationKindModel::Started).data().toString(), "30");
  EXPECT_EQ(model.index(0, OperationKindModel::Timed).data().toString(), "12");
  EXPECT_EQ(model.index(0, OperationKindModel::P50).data().toString(), "2.00ms");
  EXPECT_EQ(model.index(0, OperationKindModel::P90).data().toString(), "5.00ms");
  EXPECT_EQ(model.index(0, OperationKindModel::P99).data().toString(), "8.00ms");
  EXPECT_EQ(model.index(0, OperationKindModel::Max).data().toString(), "16.0ms");
  EXPECT_EQ(model.index(1, OperationKindModel::P99).data().toString(), "") << "none timed";
  proxy.sort(OperationKindModel::Started, Qt::AscendingOrder);
  EXPECT_EQ(proxy.index(0, OperationKindModel::Kind).data().toString(), "timer_wait");
}

TEST(ResourcesPage, HeadlineTitleAndAskingForTheLastTask) {
  ResultsBuilder b;
  ResourcesPage page;
  EXPECT_EQ(page.title(), "Resources");
  page.setResults(b.add(stateWithResources()));
  EXPECT_EQ(page.summaryText(), "3 resources (2 open, 1 closed) · 5 forgotten by the probe to stay bounded");
  EXPECT_EQ(page.title(), "Resources (3)");
  EXPECT_EQ(page.operationKindModel()->rowCount(), 2);

  // Activating a resource asks for its last task; one without a last task asks nothing.
  auto s = stateWithResources(2, 1);
  s.resources.emplace(9, resource(9, "executor", -1, 1, 1));
  page.setResults(b.add(s));
  ASSERT_EQ(page.model()->rowCount(), 4);
  QSignalSpy activated(&page, &ResourcesPage::taskActivated);
  QList<quint64> asked;
  for (int row = 0; row < page.model()->rowCount(); ++row) {
    const qsizetype before = activated.count();
    emit page.view()->activated(page.proxy()->mapFromSource(page.model()->index(row, 0)));
    if (activated.count() > before) asked << activated.back().at(0).toULongLong();
  }
  EXPECT_EQ(asked, (QList<quint64>{1, 2, 2}));
}

TEST(MainWindow, ActivatingAResourceGoesToItsLastTask) {
  ResultsBuilder b;
  MainWindow w;
  w.applyResults(b.add(stateWithResources()));
  w.showTab("resources");
  EXPECT_EQ(w.tabs()->tabText(w.tabs()->currentIndex()), "Resources (3)");
  ResourcesPage* page = w.resourcesPage();
  const QModelIndex timer = page->proxy()->mapFromSource(page->model()->index(2, 0));
  emit page->view()->activated(timer);
  EXPECT_EQ(w.tabs()->currentWidget(), w.tasksPage());
  EXPECT_EQ(w.tasksPage()->view()->currentIndex().data(TaskIdRole).toULongLong(), 2u);
}

TEST(TasksPage, TheNoTaskBucketIsShownWithItsCounts) {
  ResultsBuilder b;
  TasksPage page;
  page.setResults(b.add(stateWithResources()));
  EXPECT_EQ(page.countsText(), "1 running, 0 scheduled, 1 idle, 0 completed · (no task): 12 polls, 1.50ms busy");
  auto s = stateWithResources(2, 1);
  s.no_task = {};
  page.setResults(b.add(s));
  EXPECT_EQ(page.countsText(), "1 running, 0 scheduled, 1 idle, 0 completed");
}

TEST(TaskDetailWidget, ListsTheOperationsOfTheTaskMostFirst) {
  const auto r = ResultsBuilder().add(stateWithResources());
  TaskDetailWidget d;
  d.showTask(&r->tasks[1], r.get());
  const QString text = d.extrasText();
  EXPECT_TRUE(text.contains("Operations (42)")) << text.toStdString();
  const auto read = text.indexOf("socket_read"), write = text.indexOf("socket_write"),
             timer = text.indexOf("timer_wait");
  ASSERT_GE(read, 0);
  EXPECT_LT(read, write);
  EXPECT_LT(write, timer);
  EXPECT_TRUE(text.contains("71.4%")) << text.toStdString();  // 30 of 42
  d.showTask(&r->tasks[0], r.get());
  EXPECT_TRUE(d.extrasText().contains("none started")) << d.extrasText().toStdString();
}

}  // namespace
}  // namespace coroscope::viewer
