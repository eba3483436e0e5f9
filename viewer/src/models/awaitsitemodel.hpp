// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "models/tablemodel.hpp"

namespace coroscope::viewer {

/// Await sites view: one row per `TIMED_AWAIT` site.
class AwaitSiteModel : public ResultsTableModel {
  Q_OBJECT
 public:
  enum Column { Name, Location, Count, Slow, Total, Mean, Max, P50, P90, P99, ColumnCount };
  explicit AwaitSiteModel(QObject* parent = nullptr);

 protected:
  int rowsIn(const Results& r) const override { return int(r.awaitSites.size()); }
  QVariant cell(const Results& r, int row, int column, int role) const override;
};

}  // namespace coroscope::viewer
