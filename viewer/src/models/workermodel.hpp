// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "models/tablemodel.hpp"

namespace coroscope::viewer {

/// Workers view: one row per worker thread; the Busy column carries the busy-ratio
/// history for `SparklineDelegate` under `HistoryRole`.
class WorkerModel : public ResultsTableModel {
  Q_OBJECT
 public:
  enum Column { Worker, Busy, BusyTotal, Polls, Parks, ParkTime, NoopUnparks, Steals,
                RemoteSchedules, Migrations, ColumnCount };
  explicit WorkerModel(QObject* parent = nullptr);

 protected:
  int rowsIn(const Results& r) const override { return int(r.workers.size()); }
  QVariant cell(const Results& r, int row, int column, int role) const override;
};

}  // namespace coroscope::viewer
