// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Wakes inside composed operations on a strand: Asio's own (async_read, whose handler is
// public) and Beast's (http::async_read, whose handler async_base keeps private), as a
// Beast server with a strand per connection runs them.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "coroscope/coroscope.hpp"
#include "snapshot_lookup.hpp"

namespace asio = boost::asio;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using socket_type = asio::local::stream_protocol::socket;

namespace {

constexpr int kMessages = 3;
constexpr std::string_view kRequest = "GET / HTTP/1.1\r\nHost: coroscope\r\n\r\n";

/// Reads `n` messages of 8 bytes with asio::async_read.
asio::awaitable<void> message_reader(socket_type& socket, int n) {
  char message[8];
  for (int i = 0; i < n; ++i) co_await asio::async_read(socket, asio::buffer(message), asio::use_awaitable);
}

/// Reads `n` HTTP requests with Beast, as a session does.
asio::awaitable<void> request_reader(socket_type& socket, int n) {
  boost::beast::flat_buffer buffer;
  for (int i = 0; i < n; ++i) {
    http::request<http::string_body> request;
    co_await http::async_read(socket, buffer, request, asio::use_awaitable);
  }
}

/// Writes `message` `n` times, each in two halves 1 ms apart: the composed read of each
/// completes its first read_some inside its own handler, which reads again.
asio::awaitable<void> half_writer(socket_type& socket, std::string_view message, int n) {
  asio::steady_timer pause(co_await asio::this_coro::executor);
  const std::size_t half = message.size() / 2;
  for (int i = 0; i < n; ++i) {
    for (const std::string_view part : {message.substr(0, half), message.substr(half)}) {
      co_await asio::async_write(socket, asio::buffer(part), asio::use_awaitable);
      pause.expires_after(1ms);
      co_await pause.async_wait(asio::use_awaitable);
    }
  }
}

struct socket_wakes {
  std::size_t by_io = 0;     ///< wakes of the reader by a socket completion
  std::uint64_t timed = 0;   ///< socket reads whose wait was measured
};

/// Runs `reader` on a strand against `half_writer`, with a flight recorder.
template <typename Reader>
socket_wakes run_on_a_strand(Reader reader, std::string_view name, std::string_view message) {
  asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "30s", .read_environment = false}};
  socket_type in(io), out(io);
  asio::local::connect_pair(in, out);
  asio::co_spawn(asio::make_strand(io), reader(in, kMessages), asio::detached);
  asio::co_spawn(io, half_writer(out, message, kMessages), asio::detached);
  io.run();
  const coroscope::snapshot s = probe.snapshot();
  socket_wakes got;
  const auto* reading = coroscope::test::find_task(s, name);
  EXPECT_TRUE(reading) << name;
  const std::optional<coroscope::timeline> window = probe.trace_window();
  EXPECT_TRUE(window);
  if (!reading || !window) return got;
  for (const auto& w : window->wakes)
    got.by_io += w.task_id == reading->id && w.waker == coroscope::timeline::waker_kind::io;
  const auto kind = std::find_if(s.operation_kinds.begin(), s.operation_kinds.end(),
                                 [](const auto& k) { return k.kind == "socket_read"; });
  if (kind != s.operation_kinds.end()) got.timed = kind->waits.count;
  return got;
}

TEST(ComposedReadOnAStrand, AsiosAsyncReadIsWokenByItsSocket) {
  const socket_wakes got = run_on_a_strand(message_reader, "message_reader", "12345678");
  // Each message ends with a socket completion; one per half when the halves come apart.
  EXPECT_GE(got.by_io, static_cast<std::size_t>(kMessages));
  EXPECT_LE(got.by_io, 2u * kMessages);
  EXPECT_EQ(got.timed, got.by_io) << "each read measured to the poll after the strand's hop";
}

TEST(ComposedReadOnAStrand, BeastsHttpAsyncReadIsWokenByItsSocket) {
  const socket_wakes got = run_on_a_strand(request_reader, "request_reader", kRequest);
  EXPECT_GE(got.by_io, static_cast<std::size_t>(kMessages));
  EXPECT_LE(got.by_io, 2u * kMessages);
  EXPECT_EQ(got.timed, got.by_io) << "each read measured to the poll after the strand's hop";
}

}  // namespace
