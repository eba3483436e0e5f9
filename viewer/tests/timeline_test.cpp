// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The timeline page and its view, driven alone: a known window -> rows and boxes, a
// click on a poll -> its task, zoom, wake arrows of the selected task.
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

#include <QPushButton>

#include "format.hpp"
#include "pages/timelinepage.hpp"
#include "timeline/timelineview.hpp"

namespace coroscope::viewer {
namespace {

constexpr std::uint64_t kMs = 1'000'000;
constexpr std::uint64_t T0 = 5'000 * kMs;  // a monotonic clock that is not at 0

/// Two workers over 100 ms. Worker 0: task 1 polls [10,30) ms, task 2 [40,50) ms; worker
/// 1: task 3 [20,60) ms with task 2 nested inline at [30,35) ms, parked [60,100) ms.
/// Task 1 wakes task 2 at 25 ms (its next poll: 30 ms on worker 1); a timer wakes task 3
/// at 15 ms.
std::shared_ptr<timeline> smallWindow() {
  auto t = std::make_shared<timeline>();
  t->begin_ns = T0;
  t->end_ns = T0 + 100 * kMs;
  t->workers = {{0, "coroscope-w0", 11}, {1, "coroscope-w1", 12}};
  t->tasks = {{1, 0, "accept"}, {2, 1, "handler"}, {3, 0, "timer-loop"}};
  t->polls = {{0, 1, T0 + 10 * kMs, T0 + 30 * kMs},
              {1, 3, T0 + 20 * kMs, T0 + 60 * kMs},
              {0, 2, T0 + 40 * kMs, T0 + 50 * kMs},
              {1, 2, T0 + 30 * kMs, T0 + 35 * kMs}};
  t->parks = {{1, T0 + 60 * kMs, T0 + 100 * kMs}};
  t->wakes = {{2, T0 + 25 * kMs, timeline::waker_kind::task, 1},
              {3, T0 + 15 * kMs, timeline::waker_kind::timer, 0}};
  return t;
}

struct TimelinePageTest : ::testing::Test {
  TimelinePage page;
  TimelineView* view = page.view();
  TimelinePageTest() {
    page.resize(120 + 1000 + 8, 300);  // a plot 1000 px wide: 100 ms = 10 px per ms
    page.setRefreshInterval(0);
    page.show();
    page.setTimeline(smallWindow());
    EXPECT_EQ(view->width() - view->plotLeft(), 1000);
  }
  QPoint at(std::size_t row, std::uint64_t t) const {
    return {int(view->timeToX(t)), view->rowTop(row) + view->rowHeight() / 2};
  }
};

TEST_F(TimelinePageTest, RowsAreWorkersAndBoxesAreTheirVisiblePolls) {
  EXPECT_EQ(page.title(), "Timeline");
  EXPECT_TRUE(page.infoText().contains("2 workers")) << page.infoText().toStdString();
  ASSERT_EQ(view->index()->rowCount(), 2u);
  EXPECT_EQ(view->index()->rowName(0), "coroscope-w0");
  const auto row0 = view->boxes(0);
  ASSERT_EQ(row0.size(), 2u);
  EXPECT_EQ(row0[0].task, 1u);
  EXPECT_EQ(row0[0].x0, 120 + 100);
  EXPECT_EQ(row0[0].x1, 120 + 300);
  EXPECT_EQ(row0[1].task, 2u);
  // Worker 1: the enclosing poll first, the nested one after it (drawn over it).
  const auto row1 = view->boxes(1);
  ASSERT_EQ(row1.size(), 2u);
  EXPECT_EQ(row1[0].task, 3u);
  EXPECT_EQ(row1[1].task, 2u);
  ASSERT_EQ(view->parkBoxes(1).size(), 1u);
  EXPECT_EQ(view->parkBoxes(1)[0].x0, 120 + 600);
}

TEST_F(TimelinePageTest, ClickOnAPollSelectsItsTask) {
  QSignalSpy activated(&page, &TimelinePage::taskActivated);
  QTest::mouseClick(view, Qt::LeftButton, {}, at(0, T0 + 45 * kMs));
  ASSERT_EQ(activated.size(), 1);
  EXPECT_EQ(activated.back().at(0).toULongLong(), 2u);
  EXPECT_EQ(view->selectedTask(), 2u);
  // The nested poll wins over the one around it.
  QTest::mouseClick(view, Qt::LeftButton, {}, at(1, T0 + 32 * kMs));
  EXPECT_EQ(activated.back().at(0).toULongLong(), 2u);
  QTest::mouseClick(view, Qt::LeftButton, {}, at(1, T0 + 50 * kMs));
  EXPECT_EQ(activated.back().at(0).toULongLong(), 3u);
  // Empty space selects nothing.
  QTest::mouseClick(view, Qt::LeftButton, {}, at(0, T0 + 80 * kMs));
  EXPECT_EQ(activated.size(), 3);
}

TEST_F(TimelinePageTest, ZoomAndPanChangeTheVisibleRange) {
  view->zoomBy(4.0, T0 + 20 * kMs);
  EXPECT_EQ(view->visibleBegin(), T0 + 15 * kMs);
  EXPECT_EQ(view->visibleEnd(), T0 + 40 * kMs);
  // Only the polls in [15, 40) ms are laid out; task 1's ends at 30 ms.
  const auto row0 = view->boxes(0);
  ASSERT_EQ(row0.size(), 1u);
  EXPECT_EQ(row0[0].task, 1u);
  EXPECT_EQ(row0[0].x0, 120);
  EXPECT_EQ(row0[0].x1, 120 + 600);
  QTest::keyClick(view, Qt::Key_Right);  // a tenth of the view: 2.5 ms
  EXPECT_EQ(view->visibleBegin(), T0 + 17'500'000);
  QTest::keyClick(view, Qt::Key_Minus);
  EXPECT_GT(view->visibleEnd() - view->visibleBegin(), 25 * kMs);
  QTest::keyClick(view, Qt::Key_0);
  EXPECT_EQ(view->visibleBegin(), T0);
  EXPECT_EQ(view->visibleEnd(), T0 + 100 * kMs);
  // Panning stops at the window's edges.
  view->panBy(-500);
  EXPECT_EQ(view->visibleBegin(), T0);
}

TEST_F(TimelinePageTest, WakeArrowsOfTheSelectedTask) {
  view->selectTask(2);
  ASSERT_EQ(view->wakeArrows().size(), 1u);
  const WakeArrow& a = view->wakeArrows()[0];
  EXPECT_EQ(a.wakerTask, 1u);
  EXPECT_EQ(a.fromRow, 0u);  // task 1 ran on worker 0 at the wake
  EXPECT_EQ(a.fromTime, T0 + 25 * kMs);
  EXPECT_EQ(a.toRow, 1u);  // task 2's next poll: 30 ms on worker 1
  EXPECT_EQ(a.toTime, T0 + 30 * kMs);
  // The waker sees the same arrow; the timer's wake is task 3's alone.
  view->selectTask(1);
  ASSERT_EQ(view->wakeArrows().size(), 1u);
  EXPECT_EQ(view->wakeArrows()[0].wakeeTask, 2u);
  view->selectTask(3);
  ASSERT_EQ(view->wakeArrows().size(), 1u);
  EXPECT_EQ(view->wakeArrows()[0].kind, timeline::waker_kind::timer);
  EXPECT_EQ(view->wakeArrows()[0].toTime, T0 + 20 * kMs);
  // Painting with arrows and labels does not trip over anything.
  EXPECT_FALSE(view->grab().isNull());
}

TEST(TimelineView, MergesSubPixelPollsIntoOneBoxPerPixel) {
  TimelineView view;
  view.resize(120 + 100, 100);  // 100 px for 1 ms: 10 µs a pixel
  auto t = std::make_shared<timeline>();
  t->begin_ns = 0;
  t->end_ns = kMs;
  for (std::uint64_t i = 0; i < 1000; ++i) {  // 1 µs polls, every µs: 10 a pixel
    t->polls.push_back({0, 1 + i % 7, i * 1000, i * 1000 + 900});
  }
  view.setTimeline(t);
  auto boxes = view.boxes(0);
  ASSERT_EQ(boxes.size(), 100u);
  for (const auto& b : boxes) {
    EXPECT_EQ(b.x1 - b.x0, 1);
    EXPECT_EQ(b.polls, 10u);
  }
  EXPECT_EQ(boxes[50].task, 1 + 500 % 7);  // a column takes its first poll's colour
  // A poll wider than a pixel among them keeps its own box.
  t->polls.push_back({0, 42, 505'000, 525'000});
  view.setTimeline(t);
  boxes = view.boxes(0);
  std::uint32_t polls = 0;
  for (const auto& b : boxes) polls += b.polls;
  EXPECT_EQ(polls, 1001u);
  const auto long42 = std::find_if(boxes.begin(), boxes.end(), [](const auto& b) { return b.task == 42; });
  ASSERT_NE(long42, boxes.end());
  EXPECT_EQ(long42->x0, 120 + 50);
  EXPECT_EQ(long42->x1, 120 + 53);
  // Zoomed in to 10 µs, each poll gets its own box again.
  view.setVisibleRange(100'000, 110'000);
  EXPECT_EQ(view.boxes(0).size(), 10u);
}

TEST(TimelinePage, AsksForAWindowWhileVisibleAndSaysWhenThereIsNone) {
  TimelinePage page;
  page.setRefreshInterval(50);
  QSignalSpy wanted(&page, &TimelinePage::timelineWanted);
  page.show();
  EXPECT_EQ(wanted.size(), 1);  // at once when shown
  EXPECT_TRUE(wanted.wait(2000));  // then by the timer
  EXPECT_TRUE(page.isRefreshing());
  page.hide();
  EXPECT_FALSE(page.isRefreshing());
  page.setUnavailable("The probe records no timeline");
  EXPECT_EQ(page.infoText(), "The probe records no timeline");
  EXPECT_EQ(page.view()->index(), nullptr);
}

TEST(TimelinePage, WriteTraceAsksTheProbeAndSaysWhereItWrote) {
  TimelinePage page;
  QSignalSpy wanted(&page, &TimelinePage::traceWanted);
  page.writeTraceButton()->click();
  EXPECT_EQ(wanted.size(), 1);
  page.setTraceWritten("/tmp/traces/console-20261206T090000.000Z.perfetto-trace", 3 << 20, {});
  EXPECT_EQ(page.traceText(),
            "Trace written on the probe's host: /tmp/traces/console-20261206T090000.000Z.perfetto-trace "
            "(" + formatBytes(3 << 20) + ")");
  page.setTraceWritten({}, 0, "the flight recorder is off (COROSCOPE_FLIGHT_RECORDER)");
  EXPECT_EQ(page.traceText(), "No trace written: the flight recorder is off (COROSCOPE_FLIGHT_RECORDER)");
}

TEST(TimelineView, AxisLabelsTellTicksHalfAMillisecondApart) {
  using std::chrono::microseconds;
  using std::chrono::milliseconds;
  EXPECT_EQ(formatOffset(microseconds(296500), microseconds(500)), "296.5ms");
  EXPECT_EQ(formatOffset(microseconds(297000), microseconds(500)), "297.0ms");
  EXPECT_EQ(formatOffset(milliseconds(298), milliseconds(1)), "298ms");
  EXPECT_EQ(formatOffset(microseconds(1020), microseconds(20)), "1.02ms");
  EXPECT_EQ(formatOffset(microseconds(150), microseconds(50)), "150µs");
  EXPECT_EQ(formatOffset(milliseconds(2500), milliseconds(500)), "2.5s");
  EXPECT_EQ(formatOffset(std::chrono::nanoseconds(0), microseconds(500)), "0ns");
}

}  // namespace
}  // namespace coroscope::viewer
