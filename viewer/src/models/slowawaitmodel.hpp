// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "models/tablemodel.hpp"

namespace coroscope::viewer {

/// The slow-await log: one row each time an await site's slow count grew, oldest first.
class SlowAwaitModel : public ResultsTableModel {
  Q_OBJECT
 public:
  enum Column { Time, Site, Location, NewSlow, SlowTotal, Max, ColumnCount };
  explicit SlowAwaitModel(QObject* parent = nullptr);

 protected:
  int rowsIn(const Results& r) const override { return int(r.slowAwaits.size()); }
  QVariant cell(const Results& r, int row, int column, int role) const override;
  /// The log is bounded: at full length, rows shift even when the count stays.
  bool sameRows(const Results& previous, const Results& next) const override;
};

}  // namespace coroscope::viewer
