// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "launcher.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QProcessEnvironment>

namespace coroscope::viewer {

quint16 findFreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  quint16 port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

Launcher::Launcher(QObject* parent) : QObject(parent) {
  connect(&m_process, &QProcess::readyReadStandardOutput, this,
          [this] { emit output(QString::fromLocal8Bit(m_process.readAllStandardOutput()), false); });
  connect(&m_process, &QProcess::readyReadStandardError, this,
          [this] { emit output(QString::fromLocal8Bit(m_process.readAllStandardError()), true); });
  connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart)
      emit finished(tr("%1 failed to start: %2").arg(m_program, m_process.errorString()), -1);
  });
  connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
    if (status == QProcess::CrashExit)
      emit finished(tr("%1 crashed (%2)").arg(m_program, m_process.errorString()), code);
    else
      emit finished(tr("%1 exited with status %2").arg(m_program).arg(code), code);
  });
}

Launcher::~Launcher() { stop(1000); }

bool Launcher::start(const QString& program, const QStringList& arguments, QString* error,
                     const QString& workingDirectory) {
  if (isRunning()) {
    if (error) *error = tr("A program is already running: %1").arg(commandLine());
    return false;
  }
  m_port = findFreeLoopbackPort();
  if (m_port == 0) {
    if (error) *error = tr("No free loopback port for the console");
    return false;
  }
  m_program = program;
  m_arguments = arguments;
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert(QStringLiteral("COROSCOPE_CONSOLE"), QStringLiteral("127.0.0.1:%1").arg(m_port));
  m_process.setProcessEnvironment(env);
  if (!workingDirectory.isEmpty()) m_process.setWorkingDirectory(workingDirectory);
  m_process.start(program, arguments);
  emit consoleAddress(QStringLiteral("127.0.0.1"), m_port);
  return true;
}

void Launcher::stop(int graceMs) {
  if (!isRunning()) return;
  m_process.terminate();
  if (!m_process.waitForFinished(graceMs)) {
    m_process.kill();
    m_process.waitForFinished(graceMs);
  }
}

QString Launcher::commandLine() const {
  QStringList parts{m_program};
  parts += m_arguments;
  return parts.join(QLatin1Char(' '));
}

}  // namespace coroscope::viewer
