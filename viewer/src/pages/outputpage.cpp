// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "pages/outputpage.hpp"

#include <QFontDatabase>
#include <QPlainTextEdit>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QVBoxLayout>

namespace coroscope::viewer {

OutputPage::OutputPage(QWidget* parent) : QWidget(parent), m_text(new QPlainTextEdit(this)) {
  m_text->setReadOnly(true);
  m_text->setMaximumBlockCount(20000);
  m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_text);
}

void OutputPage::append(const QString& text, bool isStderr) {
  m_text->moveCursor(QTextCursor::End);
  QTextCharFormat format;
  format.setForeground(isStderr ? QColor(0xa0, 0x20, 0x20) : palette().color(QPalette::Text));
  m_text->textCursor().insertText(text, format);
  m_text->moveCursor(QTextCursor::End);
}

QString OutputPage::text() const { return m_text->toPlainText(); }

}  // namespace coroscope::viewer
