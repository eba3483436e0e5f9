// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The tasks, warnings and flamegraph pages, each built alone and driven through its own
// controls. The resources and heap pages: resourcemodel_test.cpp, heapmodel_test.cpp.
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTreeView>

#include <gtest/gtest.h>

#include "flamegraphwidget.hpp"
#include "format.hpp"
#include "models/taskmodel.hpp"
#include "models/warningmodel.hpp"
#include "pages/flamegraphpage.hpp"
#include "pages/taskspage.hpp"
#include "pages/warningspage.hpp"
#include "resultsbuilder.hpp"
#include "taskdetailwidget.hpp"
#include "test_data.hpp"

namespace coroscope::viewer {
namespace {

using namespace test;

TEST(TasksPage, SelectsTheFirstTaskAndShowsItsDetail) {
  TasksPage page;
  EXPECT_EQ(page.title(), "Tasks");
  page.setResults(ResultsBuilder().add(warnedSession()));
  EXPECT_EQ(page.view()->currentIndex().data(TaskIdRole).toULongLong(), 1u);
  EXPECT_EQ(page.detail()->taskId(), 1u);
  EXPECT_TRUE(page.detail()->summaryText().contains("accept-loop")) << page.detail()->summaryText().toStdString();
}

TEST(TasksPage, SelectTaskClearsASearchThatHidesIt) {
  TasksPage page;
  page.setResults(ResultsBuilder().add(warnedSession()));
  auto* search = page.findChild<QLineEdit*>();
  ASSERT_NE(search, nullptr);
  search->setText("accept");
  ASSERT_EQ(page.proxy()->rowCount(), 1);
  ASSERT_TRUE(page.selectTask(2));
  EXPECT_TRUE(search->text().isEmpty());
  EXPECT_EQ(page.proxy()->rowCount(), 3);
  EXPECT_EQ(page.view()->currentIndex().data(TaskIdRole).toULongLong(), 2u);
  EXPECT_EQ(page.detail()->taskId(), 2u);
  EXPECT_FALSE(page.selectTask(999));
  EXPECT_EQ(page.view()->currentIndex().data(TaskIdRole).toULongLong(), 2u);
}

TEST(TasksPage, AsksForARunningTasksDetailsEveryUpdateAndAFinishedTasksOnce) {
  ResultsBuilder b;
  TasksPage page;
  QSignalSpy wanted(&page, &TasksPage::taskDetailsWanted);
  const auto lastAsked = [&] { return wanted.back().at(0).toULongLong(); };
  page.setResults(b.add(makeState(1, 1, {makeTask(1, 0, "running", task_state::running),
                                         makeTask(2, 0, "done", task_state::completed)})));
  ASSERT_GE(wanted.count(), 1);
  EXPECT_EQ(lastAsked(), 1u);
  auto next = makeState(2, 2, {makeTask(1, 0, "running", task_state::running),
                               makeTask(2, 0, "done", task_state::completed)});
  next.full = true;
  qsizetype before = wanted.count();
  page.setResults(b.add(next));
  EXPECT_EQ(wanted.count(), before + 1) << "a running task is asked about again";

  before = wanted.count();
  ASSERT_TRUE(page.selectTask(2));
  ASSERT_EQ(wanted.count(), before + 1);
  EXPECT_EQ(lastAsked(), 2u);
  next.sequence = 3;
  page.setResults(b.add(next));
  EXPECT_EQ(wanted.count(), before + 1) << "a finished task is asked about once";
}

TEST(TasksPage, TreeModeShowsChildrenUnderTheirParentExpanded) {
  TasksPage page;
  page.setResults(ResultsBuilder().add(warnedSession()));
  page.setTreeMode(true);
  EXPECT_TRUE(page.model()->treeMode());
  EXPECT_TRUE(page.view()->rootIsDecorated());
  const QModelIndex parent = page.proxy()->mapFromSource(page.model()->indexOfTask(1));
  EXPECT_EQ(page.proxy()->rowCount(parent), 2);
  EXPECT_TRUE(page.view()->isExpanded(parent));
  page.setTreeMode(false);
  EXPECT_FALSE(page.view()->rootIsDecorated());
  EXPECT_EQ(page.proxy()->rowCount(), 3);
}

TEST(TaskDetailWidget, ShowsSharesWakesAndDetails) {
  const auto r = ResultsBuilder().add(warnedSession());
  TaskDetailWidget d;
  d.showTask(&r->tasks[1], r.get());
  const QString text = d.summaryText();
  EXPECT_TRUE(text.contains("22.5%")) << text.toStdString();  // busy 900ms of 4s
  EXPECT_TRUE(text.contains("60.0%"));                        // self-wakes 6 of 10
  task_details details;
  details.task = r->tasks[1].info;
  details.task.poll_times.count = 40;
  details.task.poll_times.p99 = std::chrono::milliseconds(30);
  details.async_stack = {{"session(tcp::socket)", "server.cpp", 80}, {"accept_loop()", "server.cpp", 40}};
  d.setDetails(details);  // applied: same task
  EXPECT_TRUE(d.extrasText().contains("session(tcp::socket)")) << d.extrasText().toStdString();
  EXPECT_FALSE(d.extrasText().contains("cut:"));
  details.async_stack_cut = true;  // the walk stopped before the task's own coroutine
  d.setDetails(details);
  EXPECT_TRUE(d.extrasText().contains("cut: the rest could not be read"));
  EXPECT_FALSE(d.extrasText().contains("TIMED_AWAIT"));
  details.awaiting = coroscope::awaited_site{"db.query", "server.cpp", 90, std::chrono::milliseconds(1200)};
  d.setDetails(details);  // inside a TIMED_AWAIT: which, where, and how long
  EXPECT_TRUE(d.extrasText().contains("in TIMED_AWAIT db.query")) << d.extrasText().toStdString();
  EXPECT_TRUE(d.extrasText().contains("server.cpp:90"));
  EXPECT_TRUE(d.extrasText().contains(formatDuration(std::chrono::milliseconds(1200))));
  details.task.id = 99;
  d.setDetails(details);  // ignored: another task
  EXPECT_EQ(d.taskId(), 2u);
  d.grab();
}

TEST(WarningsPage, TitleCountsTheWarnings) {
  WarningsPage page;
  EXPECT_EQ(page.title(), "Warnings");
  ResultsBuilder b;
  page.setResults(b.add(warnedSession()));
  EXPECT_EQ(page.title(), "Warnings (2)");
  page.setResults(b.add(makeState(1, 6, {}, "another")));
  EXPECT_EQ(page.title(), "Warnings");
}

TEST(WarningsPage, ClickingOrActivatingAWarningAsksForItsTask) {
  WarningsPage page;
  page.setResults(ResultsBuilder().add(warnedSession()));
  QSignalSpy activated(&page, &WarningsPage::taskActivated);
  QTableView* view = page.view();
  ASSERT_EQ(view->model()->rowCount(), 2);
  for (int row = 0; row < 2; ++row) {
    const QModelIndex message = view->model()->index(row, WarningModel::Message);
    emit view->clicked(message);
    ASSERT_EQ(activated.count(), 2 * row + 1);
    EXPECT_EQ(activated.back().at(0).toULongLong(), message.data(TaskIdRole).toULongLong());
    emit view->activated(message);
    EXPECT_EQ(activated.back().at(0).toULongLong(), message.data(TaskIdRole).toULongLong());
  }
  EXPECT_NE(activated.at(0).at(0), activated.at(2).at(0));
}

TEST(FlamegraphPage, TaskFilterListsTasksWithSamples) {
  FlamegraphPage page;
  page.setResults(ResultsBuilder().add(warnedSession()));
  QComboBox* combo = page.taskFilter();
  ASSERT_EQ(combo->count(), 3);  // all, task 2, task 3
  EXPECT_EQ(combo->itemText(0), "All tasks (10 samples)");
  EXPECT_EQ(combo->itemText(1), "2 session (7 samples)");
  EXPECT_EQ(page.flamegraph()->tree().root().value, 10u);
  combo->setCurrentIndex(2);
  EXPECT_EQ(page.flamegraph()->tree().root().value, 3u);
  page.setResults(ResultsBuilder().add(warnedSession()));  // the selection survives an update
  EXPECT_EQ(combo->currentIndex(), 2);
  EXPECT_EQ(page.flamegraph()->tree().root().value, 3u);
}

TEST(FlamegraphPage, FullNamesToggle) {
  auto s = makeState(1, 5, {makeTask(2, 0, "session", task_state::running, 40, 900, 4000)});
  const std::string full = "void ns::serve<int>(int)";
  s.cpu_samples = {{{"main", "session", full}, {false, true, false}, 7, 2}};
  ResultsBuilder b;
  FlamegraphPage page;
  page.setResults(b.add(s));
  QCheckBox* toggle = page.fullNamesToggle();
  EXPECT_FALSE(toggle->isChecked());
  const auto& tree = [&]() -> const FlameTree& { return page.flamegraph()->tree(); };
  EXPECT_NE(tree().find({"main", "session", "ns::serve<...>"}), nullptr);
  toggle->setChecked(true);
  EXPECT_EQ(tree().find({"main", "session", "ns::serve<...>"}), nullptr);
  EXPECT_NE(tree().find({"main", "session", QString::fromStdString(full)}), nullptr);
  page.setResults(b.add(s));  // the choice survives an update
  EXPECT_NE(tree().find({"main", "session", QString::fromStdString(full)}), nullptr);
  toggle->setChecked(false);
  EXPECT_NE(tree().find({"main", "session", "ns::serve<...>"}), nullptr);
}

}  // namespace
}  // namespace coroscope::viewer
