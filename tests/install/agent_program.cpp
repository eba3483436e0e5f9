// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::agent alone: a probe (the recording core plus its services) started with the
// console and the HTTP endpoints on free loopback ports runs a task; both services listen,
// and the probe's snapshot holds the task.
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
  probe.run(1);
  const coroscope::snapshot s = probe.snapshot();
  std::size_t found = 0;
  for (const auto& t : s.tasks) found += t.name == "agent-task";
  check(found == 1, "the snapshot holds the task (" + std::to_string(found) + ")");
  return install_test::finish("agent_program");
}
