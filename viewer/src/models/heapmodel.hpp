// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <vector>

#include "models/tablemodel.hpp"

namespace coroscope::viewer {

/// The stack as text, one frame a line, leaf first: "function  file.cpp:42".
QString formatHeapStack(const std::vector<heap_frame>& stack);

/// Heap tab: the probe's top live allocation sites (its heap view, largest in-use first).
/// Empty while heap sampling is off.
class HeapSiteModel : public ResultsTableModel {
  Q_OBJECT
 public:
  enum Column { Function, Task, InUse, Objects, Allocated, Allocations, Location, ColumnCount };
  explicit HeapSiteModel(QObject* parent = nullptr);

  /// The stack of the site in `row` (a source row), for the stack pane.
  QString stackText(int row) const;

 protected:
  int rowsIn(const Results& r) const override { return r.heap ? int(r.heap->sites.size()) : 0; }
  QVariant cell(const Results& r, int row, int column, int role) const override;
};

/// Heap tab: the leak suspects (growing sites, old allocations, allocations that
/// outlived their task), most suspect first.
class LeakSuspectModel : public ResultsTableModel {
  Q_OBJECT
 public:
  enum Column { Kind, Function, Task, InUse, Growth, OldestAge, SpawnSite, Message, ColumnCount };
  explicit LeakSuspectModel(QObject* parent = nullptr);

  /// The stack of the suspect in `row` (a source row), with its task and spawn site.
  QString stackText(int row) const;

 protected:
  int rowsIn(const Results& r) const override { return r.heap ? int(r.heap->leak_suspects.size()) : 0; }
  QVariant cell(const Results& r, int row, int column, int role) const override;
};

}  // namespace coroscope::viewer
