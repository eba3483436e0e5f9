// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QString>
#include <QStringList>

namespace coroscope::viewer {

/// What `coroscope-console` was asked to do.
struct CommandLine {
  enum class Mode { none, connect, replay, launch } mode = Mode::none;
  QString host;            ///< connect
  quint16 port = 0;        ///< connect
  QString token;
  QString replayFile;      ///< replay
  QString program;         ///< launch: `-- program args...`
  QStringList arguments;
  QString recordFile;      ///< record the live session from the start
  QString screenshotFile;  ///< grab the window to this PNG and exit
  double screenshotAfter = 2.0;  ///< seconds
  int retainSeconds = 30;  ///< how long completed tasks stay listed
  QString tab;             ///< view to open first: tasks, workers, await-sites, warnings, flamegraph
};

/// Parses `host:port`, `[v6]:port` or `:port` (loopback). False with a one-line `error`.
bool parseHostPort(const QString& text, QString* host, quint16* port, QString* error);

/// Parses the command line (`arguments` includes the program name). Returns false with
/// a one-line `error`; `help` is set to the help text when --help was given (then the
/// result is true and the caller prints it and exits).
bool parseCommandLine(const QStringList& arguments, CommandLine* out, QString* error,
                      QString* help);

}  // namespace coroscope::viewer
