// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "models/tablemodel.hpp"

namespace coroscope::viewer {

/// Resources tab: asynchronous operations by kind (socket_read, timer_wait, post, ...):
/// how many tasks started, and the waits, start to completion, of the timed ones.
class OperationKindModel : public ResultsTableModel {
  Q_OBJECT
 public:
  enum Column { Kind, Started, Timed, P50, P90, P99, Max, ColumnCount };
  explicit OperationKindModel(QObject* parent = nullptr);

 protected:
  int rowsIn(const Results& r) const override { return int(r.operationKinds.size()); }
  QVariant cell(const Results& r, int row, int column, int role) const override;
  bool sameRows(const Results& previous, const Results& next) const override;
};

}  // namespace coroscope::viewer
