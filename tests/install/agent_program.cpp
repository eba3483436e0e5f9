// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::agent alone: a probe (the recording core plus its services) started with the
// console and the HTTP endpoints on free loopback ports runs a task; both services listen,
// and the probe's snapshot holds the task, and a task spawned with plain co_spawn with
// this file as its spawn site (not coroscope's installed headers).
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <coroscope/probe.hpp>

#include "check.hpp"

namespace asio = boost::asio;
using install_test::check;

namespace {

asio::awaitable<void> agent_task() { co_return; }

}  // namespace

int main() {
  asio::io_context io;
  coroscope::probe probe{io, {.service_name = "install-agent",
                              .console_address = "127.0.0.1:0",
                              .http_address = "127.0.0.1:0"}};
  check(probe.console_port() != 0, "the console service listens");
  check(probe.http_port() != 0, "the HTTP service listens");
  check(probe.console_port() != probe.http_port(), "on ports of their own");

  asio::co_spawn(probe.executor("agent-task"), agent_task(), asio::detached);
  asio::co_spawn(io, agent_task(), asio::detached);
  probe.run(1);
  const coroscope::snapshot s = probe.snapshot();
  std::size_t found = 0;
  std::string plain_site = "(no plain task)";
  for (const auto& t : s.tasks) {
    found += t.name == "agent-task";
    if (t.name != "agent-task") plain_site = t.spawn_location.file + ":" + std::to_string(t.spawn_location.line);
  }
  check(found == 1, "the snapshot holds the task (" + std::to_string(found) + ")");
  check(plain_site.find("agent_program.cpp:") != std::string::npos,
        "a plain co_spawn's site is the program's: " + plain_site);
  return install_test::finish("agent_program");
}
