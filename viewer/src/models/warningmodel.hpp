// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "models/tablemodel.hpp"

namespace coroscope::viewer {

/// Warnings panel: every lint instance; `TaskIdRole` names the task to go to.
class WarningModel : public ResultsTableModel {
  Q_OBJECT
 public:
  enum Column { Lint, Task, TaskName, Message, Occurrences, Trace, ColumnCount };
  explicit WarningModel(QObject* parent = nullptr);

 protected:
  int rowsIn(const Results& r) const override { return int(r.warnings.size()); }
  QVariant cell(const Results& r, int row, int column, int role) const override;
};

}  // namespace coroscope::viewer
