// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QWidget>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "timeline/timelineindex.hpp"

namespace coroscope::viewer {

/// Workers (rows) by time: polls as boxes coloured by task, parked spans shaded, a time
/// axis on top, and for the selected task the arrows of its wakes.
///
/// Only what is visible is touched: each row's polls are found by binary search on the
/// visible range, and polls narrower than a pixel merge into one box per pixel column
/// (coloured by the first of them); a column with nothing reaching past it is skipped
/// with one binary search, so a frame at full zoom-out costs about one search per pixel.
///
/// Wheel and +/- zoom (around the cursor, or the centre), drag and the arrow keys pan,
/// 0 / Home shows the whole window. A click on a poll selects its task.
class TimelineView : public QWidget {
  Q_OBJECT
 public:
  /// One box of a row as drawn: [x0, x1) in widget pixels.
  struct Box {
    int x0 = 0;
    int x1 = 0;
    std::uint64_t task = 0;
    std::uint32_t polls = 1;  ///< polls merged into the box (1: one poll)
  };

  explicit TimelineView(QWidget* parent = nullptr);

  /// Shows `t` (null: nothing). Keeps the visible range when the new window still
  /// covers it (a live refresh), else shows the whole window; keeps the selection.
  void setTimeline(std::shared_ptr<const timeline> t);
  /// The same with the index already built (e.g. off the GUI thread: it sorts every poll).
  void setIndex(TimelineIndexPtr index);
  const TimelineIndex* index() const { return m_index.get(); }

  std::uint64_t visibleBegin() const { return m_t0; }
  std::uint64_t visibleEnd() const { return m_t1; }
  /// Shows [t0, t1), clamped to the window and to a span of at least 1 µs.
  void setVisibleRange(std::uint64_t t0, std::uint64_t t1);
  void showAll();
  /// Zooms by `factor` (> 1: in) keeping time `anchor` under the same pixel.
  void zoomBy(double factor, std::uint64_t anchor);
  /// Pans by `dx` pixels (> 0: later times).
  void panBy(double dx);

  /// The boxes row `row` draws in the visible range, left to right.
  std::vector<Box> boxes(std::size_t row) const;
  /// The parked spans row `row` shades, as boxes (task 0).
  std::vector<Box> parkBoxes(std::size_t row) const;
  /// The task of the poll under `pos` (the innermost; the nearest within 2 px), if any.
  std::optional<std::uint64_t> taskAt(QPoint pos) const;

  void selectTask(std::uint64_t task);
  std::uint64_t selectedTask() const { return m_selected; }
  /// The selected task's wake arrows (empty without one).
  const std::vector<WakeArrow>& wakeArrows() const { return m_arrows; }

  double timeToX(std::uint64_t t) const;
  std::uint64_t xToTime(double x) const;
  int rowTop(std::size_t row) const;
  int rowHeight() const { return kRowHeight; }
  /// Where the drawing area starts (right of the worker names).
  int plotLeft() const { return kLabelWidth; }

  static QColor taskColor(std::uint64_t task);

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 signals:
  /// A poll was clicked: its task is now selected.
  void taskClicked(quint64 taskId);
  void visibleRangeChanged();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  static constexpr int kRowHeight = 22;
  static constexpr int kRowGap = 4;
  static constexpr int kAxisHeight = 24;
  static constexpr int kLabelWidth = 120;

  std::vector<Box> layout(const IntervalRow& row, bool merge) const;
  double plotWidth() const;
  void paintAxis(QPainter& p) const;
  void paintArrows(QPainter& p) const;

  TimelineIndexPtr m_index;
  std::uint64_t m_t0 = 0;
  std::uint64_t m_t1 = 1;
  std::uint64_t m_selected = 0;
  std::vector<WakeArrow> m_arrows;
  std::optional<QPoint> m_dragFrom;
  bool m_dragged = false;
};

}  // namespace coroscope::viewer
