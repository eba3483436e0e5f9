// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "models/tablemodel.hpp"

namespace coroscope::viewer {

/// Resources view: one row per I/O object the probe saw operations on (sockets with their
/// descriptors, timers, executors, ...), with the waits of its timed operations and the
/// task that used it last (`TaskIdRole` on every column). Closed ones are dimmed.
/// `FilterRole` holds kind, handle, state and last task for the search box.
class ResourceModel : public ResultsTableModel {
  Q_OBJECT
 public:
  enum Column { Id, Kind, Handle, State, TimedOps, P50, P99, Max, LastTask, ColumnCount };
  explicit ResourceModel(QObject* parent = nullptr);

 protected:
  int rowsIn(const Results& r) const override { return int(r.resources.size()); }
  QVariant cell(const Results& r, int row, int column, int role) const override;
  bool sameRows(const Results& previous, const Results& next) const override;
};

}  // namespace coroscope::viewer
