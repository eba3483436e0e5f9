// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The live console server (`COROSCOPE_CONSOLE=host:port`, `COROSCOPE_CONSOLE_TOKEN`) over
// the probe's recording. Off unless asked for.
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include <coroscope/base/env_error_line.hpp>

#include "console_source.hpp"
#include "coroscope/console_server.hpp"
#include "services.hpp"

namespace coroscope::agent {
namespace {

class console_service final : public service {
 public:
  explicit console_service(core::recording& recording) : recording_(recording) {}

  std::string_view name() const noexcept override { return "console"; }
  std::uint16_t port() const noexcept override { return server_ ? server_->port() : 0; }

  bool start() override {
    const resolved_options& o = recording_.options();
    if (o.console_address.empty()) return false;
    console_options console;
    std::string error;
    if (!parse_console_address(o.console_address, console, error)) {
      std::fprintf(stderr, "coroscope: COROSCOPE_CONSOLE: %s\n", error.c_str());
      return false;
    }
    console.token = o.console_token;
    try {
      server_ = std::make_unique<console_server>(
          make_console_source(recording_), console);
      std::fprintf(stderr, "coroscope: console listening on %s:%u\n", console.host.c_str(),
                   static_cast<unsigned>(server_->port()));
      return true;
    } catch (const std::exception& e) {
      env::report(std::string("COROSCOPE_CONSOLE: ") + e.what());
      return false;
    }
  }

  void stop() override {
    if (server_) server_->stop();
  }

 private:
  core::recording& recording_;
  std::unique_ptr<console_server> server_;
};

}  // namespace

std::unique_ptr<service> make_console_service(core::recording& recording) {
  return std::make_unique<console_service>(recording);
}

}  // namespace coroscope::agent
