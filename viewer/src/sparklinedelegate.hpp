// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QStyledItemDelegate>

namespace coroscope::viewer {

/// Draws the `HistoryRole` series of a cell (values 0..1, oldest first) as a sparkline
/// with the display text on top; cells without a history are drawn as usual.
class SparklineDelegate : public QStyledItemDelegate {
  Q_OBJECT
 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option,
             const QModelIndex& index) const override;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace coroscope::viewer
