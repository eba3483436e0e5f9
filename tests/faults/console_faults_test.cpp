// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Consoles that misbehave: one vanishes in the middle of a frame, another connects and
// disappears without reading. A well-behaved console connected at the same time keeps
// receiving updates.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <coroscope/console/frame_codec.hpp>
#include <coroscope/console_client.hpp>
#include <coroscope/console_server.hpp>

#include "console_fault_support.hpp"
#include "fault_support.hpp"

namespace {

using coroscope::fault_test::eventually;
namespace asio = boost::asio;
using asio::ip::tcp;

/// A ClientHello frame (field 1: protocol_version), written by hand so the test does not
/// depend on the generated code.
std::string hello_frame() {
  const std::string payload = {0x0a, 0x02, 0x08, static_cast<char>(coroscope::console::kProtocolVersion)};
  return coroscope::console::encode_frame(payload);
}

TEST(ConsoleFault, ClientVanishingMidFrameDoesNotDisturbAnother) {
  coroscope::fault_test::served_console served("fault-console");
  ASSERT_TRUE(served.good_connected());
  auto& server = served.server;

  asio::io_context net;
  const tcp::endpoint at(asio::ip::address_v4::loopback(), server.port());
  const std::string hello = hello_frame();
  {
    // Half a frame, then gone.
    tcp::socket s(net);
    s.connect(at);
    asio::write(s, asio::buffer(hello.data(), hello.size() / 2));
  }
  ASSERT_TRUE(eventually([&] { return server.stats().bad_frames >= 1; }));
  {
    // A full hello, then half of the next frame, then gone without reading anything.
    tcp::socket s(net);
    s.connect(at);
    asio::write(s, asio::buffer(hello));
    asio::write(s, asio::buffer(hello.data(), 3));
  }
  ASSERT_TRUE(eventually([&] { return server.stats().bad_frames >= 2; }));
  EXPECT_TRUE(eventually([&] { return server.stats().clients == 1; }));

  // The good console still gets fresh updates after both vanished.
  EXPECT_TRUE(served.good_keeps_receiving());
  EXPECT_EQ(served.good.connection(), coroscope::connection_state::connected);
  EXPECT_EQ(served.good.stats().connects, 1u);
}

}  // namespace
