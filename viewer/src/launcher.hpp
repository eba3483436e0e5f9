// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace coroscope::viewer {

/// A free TCP port on 127.0.0.1 (bound, read back, released), or 0 on failure.
quint16 findFreeLoopbackPort();

/// Launch mode (`coroscope-console -- ./prog args`): starts the program with
/// `COROSCOPE_CONSOLE=127.0.0.1:<free port>` in its environment, forwards its output and
/// reports how it ended. Lives on the GUI thread; QProcess signals drive it.
class Launcher : public QObject {
  Q_OBJECT
 public:
  explicit Launcher(QObject* parent = nullptr);
  ~Launcher() override;

  /// Starts `program`; false with `error` when no port is free. Start failures arrive
  /// through `finished`.
  bool start(const QString& program, const QStringList& arguments, QString* error,
             const QString& workingDirectory = {});
  /// Terminates the program (SIGTERM, then SIGKILL after `graceMs`).
  void stop(int graceMs = 3000);
  bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
  quint16 port() const { return m_port; }
  QString commandLine() const;

 signals:
  /// The program's console address: connect a backend to it.
  void consoleAddress(const QString& host, quint16 port);
  void output(const QString& text, bool isStderr);
  /// One line for humans: "exited with status 0", "killed by signal 9", "failed to start: ...".
  void finished(const QString& status, int exitCode);

 private:
  QProcess m_process;
  quint16 m_port = 0;
  QString m_program;
  QStringList m_arguments;
};

}  // namespace coroscope::viewer
