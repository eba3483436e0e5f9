// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QDialog>
#include <QStringList>

class QLineEdit;
class QSpinBox;

namespace coroscope::viewer {

/// "Connect…": host, port (default 6669) and an optional token.
class ConnectDialog : public QDialog {
  Q_OBJECT
 public:
  explicit ConnectDialog(QWidget* parent = nullptr);
  void setAddress(const QString& host, quint16 port);
  QString host() const;
  quint16 port() const;
  QString token() const;

 private:
  QLineEdit* m_host;
  QSpinBox* m_port;
  QLineEdit* m_token;
};

/// "Launch…": a program, its arguments (shell-like splitting) and a working directory.
class LaunchDialog : public QDialog {
  Q_OBJECT
 public:
  explicit LaunchDialog(QWidget* parent = nullptr);
  QString program() const;
  QStringList arguments() const;
  QString workingDirectory() const;

 private:
  QLineEdit* m_program;
  QLineEdit* m_arguments;
  QLineEdit* m_workdir;
};

}  // namespace coroscope::viewer
