// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "sparklinedelegate.hpp"

#include <QPainter>
#include <QPainterPath>

#include "models/tablemodel.hpp"

namespace coroscope::viewer {

void SparklineDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                              const QModelIndex& index) const {
  const QVariant v = index.data(HistoryRole);
  if (!v.canConvert<QList<double>>()) return QStyledItemDelegate::paint(painter, option, index);
  const auto history = v.value<QList<double>>();
  QStyleOptionViewItem opt = option;
  initStyleOption(&opt, index);
  const QString text = opt.text;
  opt.text.clear();
  QStyledItemDelegate::paint(painter, opt, index);  // background, selection

  const QRectF r = QRectF(option.rect).adjusted(2, 3, -48, -3);
  if (history.size() >= 1 && r.width() > 4) {
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const double step = history.size() > 1 ? r.width() / double(history.size() - 1) : 0;
    QPainterPath line;
    for (qsizetype i = 0; i < history.size(); ++i) {
      const QPointF pt(r.left() + step * double(i),
                       r.bottom() - std::clamp(history[i], 0.0, 1.0) * r.height());
      if (i == 0) line.moveTo(pt); else line.lineTo(pt);
    }
    QPainterPath area = line;
    area.lineTo(r.left() + step * double(history.size() - 1), r.bottom());
    area.lineTo(r.left(), r.bottom());
    area.closeSubpath();
    painter->fillPath(area, QColor(70, 130, 180, 70));
    painter->setPen(QPen(QColor(70, 130, 180), 1.2));
    painter->drawPath(line);
    painter->restore();
  }
  painter->drawText(QRectF(option.rect).adjusted(0, 0, -3, 0), Qt::AlignRight | Qt::AlignVCenter, text);
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
  QSize s = QStyledItemDelegate::sizeHint(option, index);
  if (index.data(HistoryRole).isValid()) s.setWidth(std::max(s.width(), 200));
  return s;
}

}  // namespace coroscope::viewer
