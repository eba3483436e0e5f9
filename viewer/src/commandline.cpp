// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "commandline.hpp"

#include <QCommandLineParser>

namespace coroscope::viewer {

bool parseHostPort(const QString& text, QString* host, quint16* port, QString* error) {
  const auto colon = text.lastIndexOf(QLatin1Char(':'));
  if (colon < 0) {
    *error = QStringLiteral("\"%1\" is not host:port").arg(text);
    return false;
  }
  QString h = text.left(colon);
  if (h.startsWith(QLatin1Char('[')) && h.endsWith(QLatin1Char(']'))) h = h.mid(1, h.size() - 2);
  if (h.isEmpty()) h = QStringLiteral("127.0.0.1");
  bool ok = false;
  const uint p = text.mid(colon + 1).toUInt(&ok);
  if (!ok || p == 0 || p > 65535) {
    *error = QStringLiteral("\"%1\": the port must be 1..65535").arg(text);
    return false;
  }
  *host = h;
  *port = quint16(p);
  return true;
}

bool parseCommandLine(const QStringList& arguments, CommandLine* out, QString* error,
                      QString* help) {
  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral(
      "coroscope-console: the live console of coroscope probes.\n"
      "  coroscope-console --connect 127.0.0.1:6669   watch a running service\n"
      "  coroscope-console -- ./my_service args...    launch it with the console on\n"
      "  coroscope-console --replay session.cscope    replay a recorded session"));
  const QCommandLineOption helpOption = parser.addHelpOption();
  const QCommandLineOption connect(QStringLiteral("connect"),
                                   QStringLiteral("Connect to a probe's console server."),
                                   QStringLiteral("host:port"));
  const QCommandLineOption token(QStringLiteral("token"),
                                 QStringLiteral("Token the probe asks for (COROSCOPE_CONSOLE_TOKEN)."),
                                 QStringLiteral("token"));
  const QCommandLineOption replay(QStringLiteral("replay"),
                                  QStringLiteral("Replay a recorded session with a time slider."),
                                  QStringLiteral("file"));
  const QCommandLineOption record(QStringLiteral("record"),
                                  QStringLiteral("Record the live session to a file."),
                                  QStringLiteral("file"));
  const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                      QStringLiteral("Save the window as a PNG, then exit."),
                                      QStringLiteral("file"));
  const QCommandLineOption after(QStringLiteral("after"),
                                 QStringLiteral("Seconds before --screenshot is taken (default 2)."),
                                 QStringLiteral("seconds"), QStringLiteral("2"));
  const QCommandLineOption retain(QStringLiteral("retain"),
                                  QStringLiteral("Seconds completed tasks stay listed (default 30)."),
                                  QStringLiteral("seconds"), QStringLiteral("30"));
  const QCommandLineOption tab(QStringLiteral("tab"),
                               QStringLiteral("View to show first: tasks, workers, resources, "
                                              "await-sites, warnings, flamegraph, heap, timeline, output."),
                               QStringLiteral("view"));
  parser.addOptions({connect, token, replay, record, screenshot, after, retain, tab});
  parser.addPositionalArgument(QStringLiteral("program"),
                               QStringLiteral("After --: a program to launch, with its arguments."),
                               QStringLiteral("[-- program args...]"));
  if (!parser.parse(arguments)) {
    *error = parser.errorText();
    return false;
  }
  if (parser.isSet(helpOption)) {
    *help = parser.helpText();
    return true;
  }
  CommandLine c;
  c.token = parser.value(token);
  c.recordFile = parser.value(record);
  c.screenshotFile = parser.value(screenshot);
  c.tab = parser.value(tab);
  static const QStringList tabs = {"tasks",      "workers", "resources", "await-sites", "warnings",
                                   "flamegraph", "heap",    "timeline",  "output"};
  if (!c.tab.isEmpty() && !tabs.contains(c.tab)) {
    *error = QStringLiteral("--tab: one of %1").arg(tabs.join(QStringLiteral(", ")));
    return false;
  }
  bool ok = false;
  c.screenshotAfter = parser.value(after).toDouble(&ok);
  if (!ok || c.screenshotAfter < 0 || c.screenshotAfter > 3600) {
    *error = QStringLiteral("--after wants seconds (0..3600), not \"%1\"").arg(parser.value(after));
    return false;
  }
  c.retainSeconds = parser.value(retain).toInt(&ok);
  if (!ok || c.retainSeconds < 0) {
    *error = QStringLiteral("--retain wants whole seconds, not \"%1\"").arg(parser.value(retain));
    return false;
  }
  const QStringList positional = parser.positionalArguments();
  const int modes = int(parser.isSet(connect)) + int(parser.isSet(replay)) + int(!positional.isEmpty());
  if (modes > 1) {
    *error = QStringLiteral("use one of --connect, --replay and -- program");
    return false;
  }
  if (parser.isSet(connect)) {
    c.mode = CommandLine::Mode::connect;
    if (!parseHostPort(parser.value(connect), &c.host, &c.port, error)) {
      *error = QStringLiteral("--connect: ") + *error;
      return false;
    }
  } else if (parser.isSet(replay)) {
    c.mode = CommandLine::Mode::replay;
    c.replayFile = parser.value(replay);
  } else if (!positional.isEmpty()) {
    c.mode = CommandLine::Mode::launch;
    c.program = positional.front();
    c.arguments = positional.mid(1);
  }
  if (!c.recordFile.isEmpty() && c.mode == CommandLine::Mode::replay) {
    *error = QStringLiteral("--record records a live session; it cannot be used with --replay");
    return false;
  }
  *out = c;
  return true;
}

}  // namespace coroscope::viewer
