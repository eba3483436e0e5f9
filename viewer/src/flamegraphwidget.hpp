// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

#include "flamegraph.hpp"

namespace coroscope::viewer {

/// A painted flamegraph (root on top). Click a frame to zoom to it, click the root row,
/// double-click or press Escape to zoom out; hovering shows the frame, its samples and
/// share. The zoom is kept by frame path across `setTree`, so a live graph stays zoomed.
class FlamegraphWidget : public QWidget {
  Q_OBJECT
 public:
  explicit FlamegraphWidget(QWidget* parent = nullptr);

  void setTree(FlameTree tree);
  const FlameTree& tree() const { return m_tree; }
  /// Zooms to the node at `path` (empty: the root). False when there is no such node.
  bool zoomTo(const QStringList& path);
  QStringList zoomPath() const { return m_zoomPath; }
  /// The boxes as last laid out for the current width.
  const std::vector<FlameBox>& boxes() const { return m_boxes; }
  /// The box under `pos`, or null.
  const FlameBox* boxAt(QPointF pos) const;
  /// Text shown when there are no samples.
  void setEmptyText(const QString& text);

  static constexpr double kRowHeight = 18.0;
  QSize sizeHint() const override;

 signals:
  void zoomChanged(const QStringList& path);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  void relayout();

  FlameTree m_tree;
  QStringList m_zoomPath;
  std::vector<FlameBox> m_boxes;
  QString m_emptyText;
};

}  // namespace coroscope::viewer
