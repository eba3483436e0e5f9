// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "dialogs.hpp"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>

namespace coroscope::viewer {

namespace {

QDialogButtonBox* okCancel(QDialog* d) {
  auto* box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, d);
  QObject::connect(box, &QDialogButtonBox::accepted, d, &QDialog::accept);
  QObject::connect(box, &QDialogButtonBox::rejected, d, &QDialog::reject);
  return box;
}

}  // namespace

ConnectDialog::ConnectDialog(QWidget* parent)
    : QDialog(parent), m_host(new QLineEdit(QStringLiteral("127.0.0.1"), this)),
      m_port(new QSpinBox(this)), m_token(new QLineEdit(this)) {
  setWindowTitle(tr("Connect to a probe"));
  m_port->setRange(1, 65535);
  m_port->setValue(6669);
  m_token->setEchoMode(QLineEdit::Password);
  m_token->setPlaceholderText(tr("only when the probe listens beyond loopback"));
  auto* form = new QFormLayout(this);
  form->addRow(tr("Host:"), m_host);
  form->addRow(tr("Port:"), m_port);
  form->addRow(tr("Token:"), m_token);
  form->addRow(okCancel(this));
}

void ConnectDialog::setAddress(const QString& host, quint16 port) {
  m_host->setText(host);
  m_port->setValue(port);
}
QString ConnectDialog::host() const { return m_host->text().trimmed(); }
quint16 ConnectDialog::port() const { return quint16(m_port->value()); }
QString ConnectDialog::token() const { return m_token->text(); }

LaunchDialog::LaunchDialog(QWidget* parent)
    : QDialog(parent), m_program(new QLineEdit(this)), m_arguments(new QLineEdit(this)),
      m_workdir(new QLineEdit(this)) {
  setWindowTitle(tr("Launch a program with the console on"));
  auto* browse = new QPushButton(tr("Browse…"), this);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Program"));
    if (!file.isEmpty()) m_program->setText(file);
  });
  auto* programRow = new QHBoxLayout;
  programRow->addWidget(m_program, 1);
  programRow->addWidget(browse);
  m_arguments->setPlaceholderText(tr("--threads 4 \"quoted arg\""));
  m_workdir->setPlaceholderText(tr("current directory"));
  auto* form = new QFormLayout(this);
  form->addRow(tr("Program:"), programRow);
  form->addRow(tr("Arguments:"), m_arguments);
  form->addRow(tr("Working directory:"), m_workdir);
  form->addRow(okCancel(this));
  resize(520, sizeHint().height());
}

QString LaunchDialog::program() const { return m_program->text().trimmed(); }
QStringList LaunchDialog::arguments() const { return QProcess::splitCommand(m_arguments->text()); }
QString LaunchDialog::workingDirectory() const { return m_workdir->text().trimmed(); }

}  // namespace coroscope::viewer
