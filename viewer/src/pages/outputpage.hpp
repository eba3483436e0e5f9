// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QWidget>

class QPlainTextEdit;

namespace coroscope::viewer {

/// The Output tab of launch mode: what the launched program writes, stderr in red,
/// the last 20000 lines kept.
class OutputPage : public QWidget {
  Q_OBJECT
 public:
  explicit OutputPage(QWidget* parent = nullptr);

  /// Appends `text` as the program wrote it (no newline added).
  void append(const QString& text, bool isStderr);
  QString text() const;

 private:
  QPlainTextEdit* m_text;
};

}  // namespace coroscope::viewer
