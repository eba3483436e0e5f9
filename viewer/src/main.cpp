// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// coroscope-console: parse the command line, open the window, maybe take a screenshot.
#include <QApplication>
#include <QTextStream>
#include <QTimer>

#include <cstdio>

#include "commandline.hpp"
#include "mainwindow.hpp"

using namespace coroscope::viewer;

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("coroscope-console"));
  QApplication::setApplicationVersion(QStringLiteral("0.1"));

  CommandLine cl;
  QString error, help;
  if (!parseCommandLine(QApplication::arguments(), &cl, &error, &help)) {
    std::fprintf(stderr, "coroscope-console: %s (see --help)\n", qPrintable(error));
    return 2;
  }
  if (!help.isEmpty()) {
    std::fputs(qPrintable(help), stdout);
    return 0;
  }

  MainWindow window;
  window.setRetainCompleted(std::chrono::seconds(cl.retainSeconds));
  switch (cl.mode) {
    case CommandLine::Mode::connect: window.connectTo(cl.host, cl.port, cl.token); break;
    case CommandLine::Mode::replay:
      if (!window.openReplay(cl.replayFile, &error)) {
        std::fprintf(stderr, "coroscope-console: %s\n", qPrintable(error));
        return 1;
      }
      break;
    case CommandLine::Mode::launch:
      if (!window.launch(cl.program, cl.arguments, &error)) {
        std::fprintf(stderr, "coroscope-console: %s\n", qPrintable(error));
        return 1;
      }
      break;
    case CommandLine::Mode::none: break;
  }
  if (!cl.recordFile.isEmpty()) {
    // Recording starts once the first results arrive: the client needs a connection.
    QObject::connect(&window, &MainWindow::resultsApplied, &window, [&window, &cl] {
      static bool started = false;
      if (started) return;
      started = true;
      QString why;
      if (!window.startRecording(cl.recordFile, &why))
        std::fprintf(stderr, "coroscope-console: %s\n", qPrintable(why));
    });
  }
  if (!cl.tab.isEmpty()) window.showTab(cl.tab);
  window.show();

  if (!cl.screenshotFile.isEmpty()) {
    QTimer::singleShot(int(cl.screenshotAfter * 1000), &window, [&window, &cl] {
      const bool ok = window.grab().save(cl.screenshotFile, "PNG");
      if (!ok) std::fprintf(stderr, "coroscope-console: cannot write %s\n", qPrintable(cl.screenshotFile));
      QApplication::exit(ok ? 0 : 1);
    });
  }
  return QApplication::exec();
}
