// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The heap tab: its two models over the probe's heap view, and the page that shows them.
#include <QAbstractItemModelTester>
#include <QTableView>

#include <gtest/gtest.h>

#include "format.hpp"
#include "models/heapmodel.hpp"
#include "pages/heappage.hpp"
#include "resultsbuilder.hpp"
#include "test_data.hpp"

namespace coroscope::viewer {
namespace {

using namespace test;
using Tester = QAbstractItemModelTester;

heap_site_info site(std::string leaf, std::uint64_t inuse, std::string task = {}) {
  heap_site_info s;
  s.stack = {{std::move(leaf), "/src/session.cpp", 42}, {"handle_request()", "/src/session.cpp", 90}};
  s.task = std::move(task);
  s.inuse_bytes = inuse;
  s.inuse_objects = 2;
  s.alloc_bytes = 4 * inuse;
  s.alloc_objects = 8;
  return s;
}

/// A state whose heap view holds the planted leak `plant_leak()` (3 MiB, task "leaker")
/// among smaller sites, and one suspect that outlived its task.
console_state stateWithHeap(std::uint64_t sequence, int seconds) {
  auto s = makeState(sequence, seconds, {makeTask(1, 0, "leaker", task_state::idle)});
  heap_view h;
  h.time = s.time;
  h.sample_interval_bytes = 524288;
  h.inuse_bytes = (3u << 20) + 4096 + 100;
  h.inuse_objects = 6;
  h.process_rss_bytes = 64u << 20;
  h.total_sites = 3;
  h.sites = {site("plant_leak()", 3u << 20, "leaker"), site("small()", 4096), site("tiny()", 100)};
  heap_leak_suspect_info leak;
  leak.kinds = heap_leak_outlived_task | heap_leak_growing;
  leak.stack = h.sites[0].stack;
  leak.task = "leaker";
  leak.spawn_site = "main.cpp:12";
  leak.inuse_bytes = 3u << 20;
  leak.inuse_objects = 2;
  leak.growth_bytes = 1 << 20;
  leak.oldest_age = 2s;
  leak.message = "growing, outlived its task: 3.00 MiB in use";
  h.leak_suspects = {leak};
  s.heap = h;
  s.heap_changed = true;
  return s;
}

TEST(HeapModels, SitesAndSuspectsOfTheHeapView) {
  ResultsBuilder b;
  HeapSiteModel sites;
  LeakSuspectModel leaks;
  Tester siteTester(&sites, Tester::FailureReportingMode::Fatal);
  Tester leakTester(&leaks, Tester::FailureReportingMode::Fatal);

  sites.setResults(b.add(makeState(1, 0, {})));  // heap sampling off: no rows
  leaks.setResults(sites.results());
  EXPECT_EQ(sites.rowCount(), 0);
  EXPECT_EQ(leaks.rowCount(), 0);

  sites.setResults(b.add(stateWithHeap(2, 1)));
  leaks.setResults(sites.results());
  ASSERT_EQ(sites.rowCount(), 3);
  ASSERT_EQ(sites.columnCount(), HeapSiteModel::ColumnCount);
  EXPECT_EQ(sites.index(0, HeapSiteModel::Function).data().toString(), "plant_leak()");
  EXPECT_EQ(sites.index(0, HeapSiteModel::Task).data().toString(), "leaker");
  EXPECT_EQ(sites.index(0, HeapSiteModel::InUse).data().toString(), "3.00 MiB");
  EXPECT_EQ(sites.index(0, HeapSiteModel::InUse).data(SortRole).toULongLong(), 3u << 20);
  EXPECT_EQ(sites.index(0, HeapSiteModel::Allocated).data(SortRole).toULongLong(), 12u << 20);
  EXPECT_EQ(sites.index(0, HeapSiteModel::Location).data().toString(), "session.cpp:42");
  EXPECT_EQ(sites.stackText(0), "plant_leak()  session.cpp:42\nhandle_request()  session.cpp:90");
  EXPECT_EQ(sites.stackText(7), QString());

  ASSERT_EQ(leaks.rowCount(), 1);
  EXPECT_EQ(leaks.index(0, LeakSuspectModel::Kind).data().toString(), "growing, outlived task");
  EXPECT_EQ(leaks.index(0, LeakSuspectModel::SpawnSite).data().toString(), "main.cpp:12");
  EXPECT_EQ(leaks.index(0, LeakSuspectModel::Growth).data().toString(), "1.00 MiB");
  EXPECT_TRUE(leaks.stackText(0).contains("task spawned at: main.cpp:12"));
  EXPECT_TRUE(leaks.stackText(0).contains("plant_leak()  session.cpp:42"));

  // A delta without a new heap view keeps the last one; a view with fewer sites resets.
  auto delta = makeState(3, 2, {makeTask(1, 0, "leaker", task_state::idle)});
  delta.heap = stateWithHeap(2, 1).heap;
  const auto kept = b.add(delta);
  sites.setResults(kept);
  EXPECT_EQ(sites.rowCount(), 3);
  auto fewer = stateWithHeap(4, 3);
  fewer.heap->sites.resize(1);
  sites.setResults(b.add(fewer));
  EXPECT_EQ(sites.rowCount(), 1);
  // Heap sampling went off.
  auto off = makeState(5, 4, {});
  off.heap_changed = true;
  sites.setResults(b.add(off));
  EXPECT_EQ(sites.rowCount(), 0);
}

TEST(HeapModels, ResultsShareTheHeapViewUntilANewOneArrives) {
  ResultsBuilder b;
  const auto first = b.add(stateWithHeap(1, 0));
  auto delta = stateWithHeap(2, 1);
  delta.full = false;
  delta.heap_changed = false;
  const auto second = b.add(delta);
  EXPECT_EQ(first->heap, second->heap);  // the same value, not a copy
  const auto third = b.add(stateWithHeap(3, 2));
  EXPECT_NE(third->heap, second->heap);
}

TEST(HeapPage, ShowsThePlantedSiteWithItsStackAndTheFigures) {
  HeapPage page;
  EXPECT_EQ(page.title(), "Heap");
  EXPECT_TRUE(page.summaryText().contains("Heap sampling is off")) << page.summaryText().toStdString();
  ResultsBuilder b;
  page.setResults(b.add(makeState(1, 0, {})));
  EXPECT_TRUE(page.summaryText().contains("Heap sampling is off")) << page.summaryText().toStdString();
  EXPECT_TRUE(page.summaryText().contains("coroscope::heap"));

  page.setResults(b.add(stateWithHeap(2, 1)));
  EXPECT_TRUE(page.summaryText().contains("3.00 MiB")) << page.summaryText().toStdString();
  EXPECT_TRUE(page.summaryText().contains("RSS: 64.0 MiB")) << page.summaryText().toStdString();
  // The view sorts by in-use bytes, largest first, and shows the first site's stack.
  QTableView* view = page.siteView();
  ASSERT_EQ(view->model()->rowCount(), 3);
  EXPECT_EQ(view->model()->index(0, HeapSiteModel::Function).data().toString(), "plant_leak()");
  EXPECT_TRUE(page.siteStackText().startsWith("plant_leak()  session.cpp:42"))
      << page.siteStackText().toStdString();
  // Selecting another site shows its stack.
  view->setCurrentIndex(view->model()->index(2, 0));
  EXPECT_TRUE(page.siteStackText().startsWith("tiny()")) << page.siteStackText().toStdString();

  QTableView* leaks = page.leakSuspectView();
  ASSERT_EQ(leaks->model()->rowCount(), 1);
  leaks->setCurrentIndex(leaks->model()->index(0, 0));
  EXPECT_TRUE(page.leakSuspectStackText().contains("plant_leak()")) << page.leakSuspectStackText().toStdString();

  // Heap sampling went off: back to the explanation, the stacks cleared.
  auto off = makeState(3, 2, {});
  off.heap_changed = true;
  page.setResults(b.add(off));
  EXPECT_TRUE(page.summaryText().contains("Heap sampling is off"));
  EXPECT_TRUE(page.siteStackText().isEmpty());
  EXPECT_TRUE(page.leakSuspectStackText().isEmpty());
}

TEST(Format, Bytes) {
  EXPECT_EQ(formatBytes(0), "0 B");
  EXPECT_EQ(formatBytes(1023), "1023 B");
  EXPECT_EQ(formatBytes(1536), "1.50 KiB");
  EXPECT_EQ(formatBytes(100 * 1024 * 1024), "100 MiB");
  EXPECT_EQ(formatBytes(-2048), "-2.00 KiB");
}

}  // namespace
}  // namespace coroscope::viewer
