// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::console_client (with coroscope::coroscope for the probe it watches): a probe
// serves the live console on a free loopback port; the client connects, sees the service
// and a running task, and asks for the task's details.
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <coroscope/console_client.hpp>
#include <coroscope/coroscope.hpp>

#include "check.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using install_test::check;

namespace {

/// Waits until the timer is cancelled: the task stays live while the client looks.
asio::awaitable<void> watched(asio::steady_timer& timer) {
  boost::system::error_code cancelled;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
}

}  // namespace

int main() {
  asio::io_context io;
  coroscope::probe probe{io, {.service_name = "install-console", .console_address = "127.0.0.1:0"}};
  check(probe.console_port() != 0, "the probe serves the console on port " + std::to_string(probe.console_port()));
  asio::steady_timer timer{io, std::chrono::steady_clock::time_point::max()};
  asio::co_spawn(probe.executor("watched"), watched(timer), asio::detached);
  std::thread worker([&] { probe.run(1); });

  std::promise<coroscope::task_details> details;
  coroscope::console_client_callbacks callbacks;
  callbacks.on_task_details = [&details, delivered = false](const coroscope::task_details& d) mutable {
    if (!std::exchange(delivered, true)) details.set_value(d);
  };
  coroscope::console_client client({.port = probe.console_port(), .client_name = "install-test", .reconnect = false},
                                   callbacks);
  client.start();
  const bool connected = client.wait_for(coroscope::connection_state::connected, 30s);
  check(connected, std::string("the client connects (") + coroscope::to_string(client.connection()) + ": " +
                       client.connection_detail() + ")");
  std::uint64_t watched_id = 0;
  const bool seen = client.wait_for(
      [&](const coroscope::console_state& s) {
        for (const auto& [id, task] : s.tasks)
          if (task.name == "watched") watched_id = id;
        return watched_id != 0;
      },
      30s);
  check(seen, "the client sees the running task 'watched'");
  check(client.state()->identity.service_name == "install-console", "the client sees the service name");
  if (seen) {
    std::future<coroscope::task_details> reply = details.get_future();
    client.request_task_details(watched_id);
    const bool answered = reply.wait_for(30s) == std::future_status::ready;
    check(answered && reply.get().task.name == "watched", "the details of 'watched' arrive");
  }
  client.stop();

  asio::post(io, [&] { timer.cancel(); });
  worker.join();
  return install_test::finish("console_client_program");
}
