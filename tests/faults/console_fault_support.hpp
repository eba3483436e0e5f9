// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Shared pieces of the console fault tests.
#pragma once

#include <chrono>
#include <string>

#include <boost/asio/io_context.hpp>

#include <coroscope/console_client.hpp>
#include <coroscope/console_server.hpp>
#include <coroscope/coroscope.hpp>

namespace coroscope::fault_test {

/// A probe serving the console on a free port (publishing every 20 ms), and a console
/// that behaves, connected to it: misbehaving clients must not disturb it.
struct served_console {
  explicit served_console(const std::string& service_name)
      : probe{io, {.service_name = service_name}},
        server(make_console_source(probe), options()),
        good({.port = server.port(), .reconnect = false}) {
    good.start();
  }
  ~served_console() {
    good.stop();
    server.stop();
  }

  /// The good console is connected (call first).
  bool good_connected() {
    return good.wait_for(connection_state::connected, std::chrono::seconds(30));
  }

  /// The good console receives a few more updates from now on.
  bool good_keeps_receiving() {
    const auto seen = good.state()->sequence;
    return good.wait_for([&](const console_state& s) { return s.sequence > seen + 2; },
                         std::chrono::seconds(30));
  }

  static console_options options() {
    console_options o;
    o.port = 0;
    o.publish_interval = std::chrono::milliseconds(20);
    return o;
  }

  boost::asio::io_context io;
  coroscope::probe probe;
  console_server server;
  console_client good;
};

}  // namespace coroscope::fault_test
