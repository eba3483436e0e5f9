// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <QCheckBox>
#include <QComboBox>
#include <QTabWidget>
#include <QTreeView>

#include <gtest/gtest.h>

#include "flamegraphwidget.hpp"
#include "mainwindow.hpp"
#include "models/taskmodel.hpp"
#include "models/warningmodel.hpp"
#include "resultsbuilder.hpp"
#include "taskdetailwidget.hpp"
#include "test_data.hpp"

namespace coroscope::viewer {
namespace {

using namespace test;

ResultsPtr sample() {
  auto s = makeState(1, 5, {makeTask(1, 0, "accept-loop", task_state::idle, 4, 1, 5000),
                            makeTask(2, 1, "session", task_state::running, 40, 900, 4000),
                            makeTask(3, 1, "slow-handler", task_state::idle, 3, 300, 3000)});
  s.tasks[2].wakes = 10;
  s.tasks[2].self_wakes = 6;
  s.warnings = {{"self-wakes", 2, "session", "60% of wakes are self-wakes", 1, "", ""},
                {"long-poll", 3, "slow-handler", "a poll took 120ms", 2, "", ""}};
  s.cpu_samples = {{{"main", "run", "session"}, {false, false, true}, 7, 2},
                   {{"main", "run", "slow-handler"}, {false, false, true}, 3, 3}};
  ResultsBuilder b;
  return b.add(s);
}

TEST(MainWindow, ApplyResultsFeedsEveryView) {
  MainWindow w;
  w.applyResults(sample());
  EXPECT_EQ(w.taskModel()->rowCount(), 3);
  EXPECT_EQ(w.warningModel()->rowCount(), 2);
  EXPECT_EQ(w.flamegraph()->tree().root().value, 10u);
  w.showTab("warnings");
  EXPECT_EQ(w.tabs()->tabText(w.tabs()->currentIndex()), "Warnings (2)");
}

TEST(MainWindow, ClickingAWarningGoesToItsTask) {
  MainWindow w;
  w.applyResults(sample());
  w.showTab("warnings");
  ASSERT_TRUE(w.goToTask(3));
  EXPECT_EQ(w.tabs()->currentIndex(), 0);
  const QModelIndex current = w.taskView()->currentIndex();
  EXPECT_EQ(current.data(TaskIdRole).toULongLong(), 3u);
  EXPECT_EQ(w.taskDetail()->taskId(), 3u);
  EXPECT_TRUE(w.taskDetail()->summaryText().contains("slow-handler"));
  EXPECT_FALSE(w.goToTask(999));
}

TEST(MainWindow, GoToTaskClearsAFilterThatHidesIt) {
  MainWindow w;
  w.applyResults(sample());
  w.taskProxy()->setSearchText("accept");
  ASSERT_TRUE(w.goToTask(2));
  EXPECT_EQ(w.taskView()->currentIndex().data(TaskIdRole).toULongLong(), 2u);
}

TEST(TaskDetailWidget, ShowsSharesWakesAndDetails) {
  const auto r = sample();
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
  details.task.id = 99;
  d.setDetails(details);  // ignored: another task
  EXPECT_EQ(d.taskId(), 2u);
  d.grab();
}

TEST(MainWindow, FlamegraphFilterListsTasksWithSamples) {
  MainWindow w;
  w.applyResults(sample());
  auto* combo = w.findChild<QComboBox*>();
  ASSERT_NE(combo, nullptr);
  ASSERT_EQ(combo->count(), 3);  // all, task 2, task 3
  combo->setCurrentIndex(2);
  EXPECT_EQ(w.flamegraph()->tree().root().value, 3u);
  w.applyResults(sample());  // the selection survives an update
  EXPECT_EQ(combo->currentIndex(), 2);
  EXPECT_EQ(w.flamegraph()->tree().root().value, 3u);
}

TEST(MainWindow, FlamegraphFullNamesToggle) {
  auto s = makeState(1, 5, {makeTask(2, 0, "session", task_state::running, 40, 900, 4000)});
  const std::string full = "void ns::serve<int>(int)";
  s.cpu_samples = {{{"main", "session", full}, {false, true, false}, 7, 2}};
  ResultsBuilder b;
  MainWindow w;
  w.applyResults(b.add(s));
  auto* toggle = w.findChild<QCheckBox*>("flameFullNames");
  ASSERT_NE(toggle, nullptr);
  EXPECT_FALSE(toggle->isChecked());
  EXPECT_NE(w.flamegraph()->tree().find({"main", "session", "ns::serve<...>"}), nullptr);
  toggle->setChecked(true);
  EXPECT_EQ(w.flamegraph()->tree().find({"main", "session", "ns::serve<...>"}), nullptr);
  EXPECT_NE(w.flamegraph()->tree().find({"main", "session", QString::fromStdString(full)}), nullptr);
  w.applyResults(b.add(s));  // the choice survives an update
  EXPECT_NE(w.flamegraph()->tree().find({"main", "session", QString::fromStdString(full)}), nullptr);
  toggle->setChecked(false);
  EXPECT_NE(w.flamegraph()->tree().find({"main", "session", "ns::serve<...>"}), nullptr);
}

}  // namespace
}  // namespace coroscope::viewer
