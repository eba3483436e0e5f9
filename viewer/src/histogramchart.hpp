// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QtCharts/QChartView>

#include "coroscope/snapshot.hpp"

QT_BEGIN_NAMESPACE
class QBarSet;
class QBarCategoryAxis;
class QValueAxis;
QT_END_NAMESPACE

namespace coroscope::viewer {

/// A duration distribution as bars: p10 .. p99 and max, in a unit chosen from the max.
class HistogramChart : public QChartView {
  Q_OBJECT
 public:
  explicit HistogramChart(const QString& title, QWidget* parent = nullptr);
  void setHistogram(const duration_histogram& h);
  /// The bar values last shown, in nanoseconds (p10, p25, p50, p75, p90, p95, p99, max).
  const QList<qint64>& values() const { return m_values; }

 private:
  QString m_title;
  QBarSet* m_set = nullptr;
  QValueAxis* m_axisY = nullptr;
  QList<qint64> m_values;
};

}  // namespace coroscope::viewer
