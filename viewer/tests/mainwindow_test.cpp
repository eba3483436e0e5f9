// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The window as a whole: results reach every page, tabs are named by their pages, and
// one page leads to another (a warning to its task). The pages alone: pages_test.cpp.
#include <QLabel>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>

#include <utility>

#include <gtest/gtest.h>

#include "flamegraphwidget.hpp"
#include "format.hpp"
#include "mainwindow.hpp"
#include "models/taskmodel.hpp"
#include "models/warningmodel.hpp"
#include "pages/awaitsitespage.hpp"
#include "pages/flamegraphpage.hpp"
#include "pages/heappage.hpp"
#include "pages/resourcespage.hpp"
#include "pages/taskspage.hpp"
#include "pages/timelinepage.hpp"
#include "pages/warningspage.hpp"
#include "pages/workerspage.hpp"
#include "resultsbuilder.hpp"
#include "taskdetailwidget.hpp"
#include "test_data.hpp"

namespace coroscope::viewer {
namespace {

using namespace test;

QString currentTabText(const MainWindow& w) { return w.tabs()->tabText(w.tabs()->currentIndex()); }

TEST(MainWindow, ApplyResultsFeedsEveryPageAndNamesTheirTabs) {
  MainWindow w;
  EXPECT_EQ(w.results(), nullptr);
  const auto results = ResultsBuilder().add(warnedSession());
  w.applyResults(results);
  EXPECT_EQ(w.results(), results);
  EXPECT_EQ(w.tasksPage()->model()->rowCount(), 3);
  EXPECT_EQ(w.warningsPage()->model()->rowCount(), 2);
  EXPECT_EQ(w.flamegraphPage()->flamegraph()->tree().root().value, 10u);
  w.showTab("warnings");
  EXPECT_EQ(currentTabText(w), "Warnings (2)");
  EXPECT_EQ(currentTabText(w), w.warningsPage()->title());
}

// The status bar shows coroscope's own cost from every update.
TEST(MainWindow, StatusBarShowsCoroscopesOwnCost) {
  MainWindow w;
  auto session = warnedSession();
  session.self.ns_per_poll = 42.4;
  session.self.cpu_ratio = 0.0125;
  session.self.ring_bytes = 1024 * 1024;
  session.self.table_bytes = 1024 * 1024;
  session.self.events = 77;
  w.applyResults(ResultsBuilder().add(session));
  const auto* label = w.findChild<QLabel*>(QStringLiteral("selfCost"));
  ASSERT_NE(label, nullptr);
  EXPECT_TRUE(label->text().contains(QStringLiteral("42 ns/poll"))) << label->text().toStdString();
  EXPECT_TRUE(label->text().contains(QStringLiteral("CPU 1.25%"))) << label->text().toStdString();
  EXPECT_TRUE(label->text().contains(formatBytes(2 * 1024 * 1024))) << label->text().toStdString();
  EXPECT_TRUE(label->toolTip().contains(QStringLiteral("77 events"))) << label->toolTip().toStdString();
}

TEST(MainWindow, ShowTabSelectsThePageByName) {
  MainWindow w;
  const std::pair<const char*, QWidget*> pages[] = {
      {"workers", w.workersPage()},   {"resources", w.resourcesPage()},   {"await-sites", w.awaitSitesPage()},
      {"warnings", w.warningsPage()}, {"flamegraph", w.flamegraphPage()}, {"heap", w.heapPage()},
      {"timeline", w.timelinePage()}, {"tasks", w.tasksPage()}};
  for (const auto& [name, page] : pages) {
    w.showTab(QString::fromLatin1(name));
    EXPECT_EQ(w.tabs()->currentWidget(), page) << name;
  }
  w.showTab("heap");
  w.showTab("output");  // no program launched: no output page, nothing changes
  EXPECT_EQ(w.outputPage(), nullptr);
  EXPECT_EQ(w.tabs()->currentWidget(), w.heapPage());
  EXPECT_EQ(w.tabs()->count(), 8);
}

TEST(MainWindow, ClickingAWarningGoesToItsTask) {
  MainWindow w;
  w.applyResults(ResultsBuilder().add(warnedSession()));
  w.showTab("warnings");
  QTableView* warnings = w.warningsPage()->view();
  QModelIndex slow;
  for (int row = 0; row < warnings->model()->rowCount(); ++row)
    if (warnings->model()->index(row, WarningModel::Lint).data().toString() == "long-poll")
      slow = warnings->model()->index(row, WarningModel::Message);
  ASSERT_TRUE(slow.isValid());
  emit warnings->clicked(slow);
  EXPECT_EQ(w.tabs()->currentWidget(), w.tasksPage());
  EXPECT_EQ(w.tasksPage()->view()->currentIndex().data(TaskIdRole).toULongLong(), 3u);
  EXPECT_EQ(w.tasksPage()->detail()->taskId(), 3u);
  EXPECT_TRUE(w.tasksPage()->detail()->summaryText().contains("slow-handler"));
}

TEST(MainWindow, GoingToATaskNoLongerListedStaysPut) {
  MainWindow w;
  w.applyResults(ResultsBuilder().add(warnedSession()));
  w.showTab("warnings");
  EXPECT_FALSE(w.goToTask(999));
  EXPECT_EQ(w.tabs()->currentWidget(), w.warningsPage());
  EXPECT_TRUE(w.goToTask(2));
  EXPECT_EQ(w.tabs()->currentWidget(), w.tasksPage());
}

}  // namespace
}  // namespace coroscope::viewer
