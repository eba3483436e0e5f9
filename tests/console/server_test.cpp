// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// console_server with real probes and fake sources, driven by console_client and raw
// sockets.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "console_test_support.hpp"
#include "coroscope/console/frame_codec.hpp"
#include "coroscope/console/v1/console.pb.h"
#include "coroscope/console_client.hpp"
#include "coroscope/coroscope.hpp"

namespace {

namespace asio = boost::asio;
namespace pb = coroscope::console::v1;
using namespace std::chrono_literals;
using coroscope::connection_state;
using coroscope::console_client;
using coroscope::console_server;
using coroscope::console_state;
using coroscope::test::eventually;
using tcp = asio::ip::tcp;

constexpr auto kWait = 20s;

/// A timer that never expires: tasks wait on it until the test cancels it.
struct gate {
  explicit gate(asio::io_context& io) : timer(io, asio::steady_timer::time_point::max()) {}
  asio::awaitable<void> wait() {
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  /// Opens it from any thread.
  void open() { asio::post(timer.get_executor(), [this] { timer.cancel(); }); }
  asio::steady_timer timer;
};

coroscope::console_client_options client_to(const console_server& server) {
  coroscope::console_client_options o;
  o.port = server.port();
  o.initial_backoff = 20ms;
  return o;
}

/// Opens the gates and joins the runner however the test exits.
struct runner_guard {
  std::vector<gate*> gates;
  std::thread& runner;
  ~runner_guard() {
    for (auto* g : gates) g->open();
    if (runner.joinable()) runner.join();
  }
};

const coroscope::task_info* find(const console_state& s, const std::string& name) {
  for (const auto& [id, t] : s.tasks)
    if (t.name == name) return &t;
  return nullptr;
}

std::string client_frame(const pb::ClientMessage& m) {
  return coroscope::console::encode_frame(m.SerializeAsString());
}

std::string hello_frame(std::uint32_t version = coroscope::console::kProtocolVersion) {
  pb::ClientMessage m;
  m.mutable_hello()->set_protocol_version(version);
  return client_frame(m);
}

/// Reads until the server closes the socket; true when it did (EOF or reset).
bool closed_by_server(tcp::socket& s) {
  boost::system::error_code ec;
  std::array<char, 4096> buf;
  while (!ec) s.read_some(asio::buffer(buf), ec);
  return ec == asio::error::eof || ec == asio::error::connection_reset;
}

TEST(ConsoleServer, LateClientGetsFullStateThenDeltas) {
  asio::io_context io;
  coroscope::probe probe{io, {.service_name = "console-late"}};
  gate long_gate(io), short_gate(io);
  asio::co_spawn(probe.executor("long-lived"), long_gate.wait(), asio::detached);
  asio::co_spawn(probe.executor("short-lived"), short_gate.wait(), asio::detached);
  std::thread runner([&] { probe.run(1); });
  runner_guard guard{{&long_gate, &short_gate}, runner};

  console_server server(coroscope::make_console_source(probe),
                        {.port = 0, .publish_interval = 20ms});
  // Late: the server has published a few ticks before the console arrives.
  ASSERT_TRUE(eventually([&] { return server.stats().updates_published >= 3; }));

  std::mutex m;
  std::vector<std::pair<bool, std::uint64_t>> updates;  // (full, sequence)
  coroscope::console_client_callbacks callbacks;
  callbacks.on_state = [&](std::shared_ptr<const console_state> s) {
    if (s->sequence == 0 && !s->full) return;  // the hello
    std::lock_guard lock(m);
    updates.emplace_back(s->full, s->sequence);
  };
  console_client client(client_to(server), callbacks);
  client.start();
  ASSERT_TRUE(client.wait_for(
      [](const console_state& s) { return find(s, "long-lived") && find(s, "short-lived"); }, kWait));
  EXPECT_EQ(client.connection(), connection_state::connected);
  const auto identity = client.state()->identity;
  EXPECT_EQ(identity.service_name, "console-late");
  EXPECT_EQ(identity.pid, static_cast<std::uint32_t>(getpid()));
  EXPECT_EQ(identity.probe_id, probe.id());
  EXPECT_EQ(identity.protocol_version, coroscope::console::kProtocolVersion);
  EXPECT_EQ(identity.instance_id.size(), 16u);
  EXPECT_GT(identity.process_start.time_since_epoch().count(), 0);

  short_gate.open();
  ASSERT_TRUE(client.wait_for(
      [](const console_state& s) {
        const auto* t = find(s, "short-lived");
        return t && t->state == coroscope::task_state::completed;
      },
      kWait));
  {
    std::lock_guard lock(m);
    ASSERT_GE(updates.size(), 2u);
    EXPECT_TRUE(updates.front().first) << "the first update of a late client is a full state";
    for (std::size_t i = 1; i < updates.size(); ++i) {
      EXPECT_FALSE(updates[i].first) << "update " << i;
      EXPECT_EQ(updates[i].second, updates[i - 1].second + 1) << "deltas are contiguous";
    }
  }

  // Task details on request.
  const auto id = find(*client.state(), "long-lived")->id;
  client.request_task_details(id);
  ASSERT_TRUE(eventually([&] { return client.last_details() != nullptr; }));
  EXPECT_EQ(client.last_details()->task.name, "long-lived");
  EXPECT_EQ(client.last_details()->task.id, id);

  long_gate.open();
  runner.join();
  EXPECT_TRUE(client.wait_for(
      [](const console_state& s) { return s.counts.tasks_completed == 2; }, kWait));
  client.stop();
  server.stop();
  EXPECT_EQ(server.stats().bad_frames, 0u);
}

TEST(ConsoleServer, VersionMismatchIsRefusedWithAClearMessage) {
  coroscope::test::fake_source fake;
  console_server server(fake.make(), {.port = 0, .publish_interval = 10ms});
  auto options = client_to(server);
  options.protocol_version = 99;
  console_client client(options);
  client.start();
  ASSERT_TRUE(client.wait_for(connection_state::refused, kWait));
  const auto detail = client.connection_detail();
  EXPECT_NE(detail.find("protocol version mismatch"), std::string::npos) << detail;
  EXPECT_NE(detail.find("v99"), std::string::npos) << detail;
  EXPECT_NE(detail.find("v1"), std::string::npos) << detail;
  EXPECT_TRUE(client.state()->tasks.empty());
  EXPECT_TRUE(eventually([&] { return server.stats().refused == 1 && server.stats().clients == 0; }));
}

TEST(ConsoleServer, BadFramesCloseOnlyThatConnection) {
  coroscope::test::fake_source fake;
  console_server server(fake.make(), {.port = 0, .publish_interval = 10ms});
  console_client good(client_to(server));
  good.start();
  ASSERT_TRUE(good.wait_for([](const console_state& s) { return s.sequence > 0; }, kWait));

  asio::io_context io;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), server.port());
  const std::vector<std::pair<const char*, std::string>> attacks = {
      {"garbage", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"oversized", std::string("\x7f\xff\xff\xff", 4) + "xx"},
      {"not protobuf", coroscope::console::encode_frame("\xff\xff\xff\xff\xff")},
      {"no kind", coroscope::console::encode_frame(std::string("\x7a\x00", 2))},  // unknown field 15
  };
  std::uint64_t expected_bad = 0;
  for (const auto& [what, bytes] : attacks) {
    tcp::socket s(io);
    s.connect(endpoint);
    asio::write(s, asio::buffer(hello_frame() + bytes));
    EXPECT_TRUE(closed_by_server(s)) << what;
    ++expected_bad;
  }
  {  // Truncated: half a frame, then the console goes away.
    tcp::socket s(io);
    s.connect(endpoint);
    asio::write(s, asio::buffer(hello_frame() + std::string("\x00\x00\x01\x00", 4) + "short"));
    s.shutdown(tcp::socket::shutdown_send);
    EXPECT_TRUE(closed_by_server(s));
    ++expected_bad;
  }
  {  // A frame before any hello is refused, not served.
    tcp::socket s(io);
    s.connect(endpoint);
    pb::ClientMessage pause;
    pause.mutable_pause();
    asio::write(s, asio::buffer(client_frame(pause)));
    EXPECT_TRUE(closed_by_server(s));
  }
  EXPECT_TRUE(eventually([&] { return server.stats().bad_frames == expected_bad; }))
      << server.stats().bad_frames;

  // The well-behaved console kept getting updates all along and still does.
  const auto seen = good.state()->sequence;
  EXPECT_TRUE(good.wait_for([&](const console_state& s) { return s.sequence >= seen + 3; }, kWait));
  EXPECT_EQ(good.connection(), connection_state::connected);
  EXPECT_EQ(good.stats().connects, 1u);
  EXPECT_TRUE(eventually([&] { return server.stats().clients == 1; }));
}

TEST(ConsoleServer, ClientThatStopsReadingIsDroppedAndTheWorkloadFinishes) {
  asio::io_context io;
  coroscope::probe probe{io, {.service_name = "console-slow"}};
  gate hold(io);
  constexpr int kIdle = 1500;  // their stats change every tick: large deltas
  for (int i = 0; i < kIdle; ++i)
    asio::co_spawn(probe.executor("waiter"), hold.wait(), asio::detached);
  std::atomic<int> yields{0};
  asio::co_spawn(probe.executor("yielder"), [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 2000; ++i, ++yields) co_await asio::post(asio::use_awaitable);
  }, asio::detached);
  std::thread runner([&] { probe.run(1); });  // one worker: the shared gate timer is not thread-safe
  runner_guard guard{{&hold}, runner};

  console_server server(coroscope::make_console_source(probe),
                        {.port = 0, .publish_interval = 5ms, .max_queued_bytes = 256 << 10});
  asio::io_context client_io;
  tcp::socket stalled(client_io);
  stalled.open(tcp::v4());
  stalled.set_option(asio::socket_base::receive_buffer_size(4096));
  stalled.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  asio::write(stalled, asio::buffer(hello_frame()));
  // ... and never reads.

  ASSERT_TRUE(eventually([&] { return server.stats().slow_disconnects == 1; }, 60s))
      << "publishes: " << server.stats().updates_published;
  hold.open();
  runner.join();  // the workload finishes normally
  const auto snap = probe.snapshot();
  EXPECT_EQ(snap.tasks_completed, static_cast<std::uint64_t>(kIdle + 1));
  EXPECT_EQ(yields.load(), 2000);
  server.stop();
  EXPECT_EQ(server.stats().clients, 0u);
}

TEST(ConsoleServer, SilentConnectionIsClosedAfterTheHelloTimeout) {
  coroscope::test::fake_source fake;
  console_server server(fake.make(), {.port = 0, .publish_interval = 10ms, .hello_timeout = 50ms});
  asio::io_context io;
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  EXPECT_TRUE(closed_by_server(s));
  EXPECT_EQ(server.stats().refused, 1u);
}

TEST(ConsoleServer, PausedClientGetsNoUpdatesUntilResumeThenAFullState) {
  coroscope::test::fake_source fake;
  console_server server(fake.make(), {.port = 0, .publish_interval = 5ms});
  std::mutex m;
  std::vector<std::pair<bool, std::uint64_t>> updates;
  coroscope::console_client_callbacks callbacks;
  callbacks.on_state = [&](std::shared_ptr<const console_state> s) {
    std::lock_guard lock(m);
    updates.emplace_back(s->full, s->sequence);
  };
  console_client client(client_to(server), callbacks);
  client.start();
  ASSERT_TRUE(client.wait_for([](const console_state& s) { return s.sequence >= 2; }, kWait));
  client.pause();
  EXPECT_TRUE(client.paused());
  // Once the server has the pause, nothing more is queued for us; a few ticks later
  // anything sent before it has arrived.
  ASSERT_TRUE(eventually([&] { return server.stats().paused_clients == 1; }));
  const auto published = server.stats().updates_published;
  ASSERT_TRUE(eventually([&] { return server.stats().updates_published >= published + 3; }));
  const auto while_paused = client.state()->sequence;
  const auto count_paused = [&] { std::lock_guard lock(m); return updates.size(); }();
  ASSERT_TRUE(eventually([&] { return server.stats().updates_published >= published + 10; }));
  EXPECT_EQ(client.state()->sequence, while_paused);
  EXPECT_EQ([&] { std::lock_guard lock(m); return updates.size(); }(), count_paused);

  client.resume();
  EXPECT_TRUE(eventually([&] { return server.stats().paused_clients == 0; }));
  ASSERT_TRUE(client.wait_for([&](const console_state& s) { return s.sequence > while_paused + 2; }, kWait));
  std::lock_guard lock(m);
  ASSERT_GT(updates.size(), count_paused);
  EXPECT_TRUE(updates[count_paused].first) << "resume starts with a full state";
  EXPECT_EQ(client.stats().resyncs, 0u);
}

TEST(ConsoleServer, TokenIsRequiredBeyondLoopbackAndChecked) {
  coroscope::test::fake_source fake;
  try {
    console_server open_server(fake.make(), {.host = "0.0.0.0", .port = 0});
    FAIL() << "served beyond loopback without a token";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("without a token"), std::string::npos) << e.what();
  }
  EXPECT_THROW(console_server(fake.make(), {.host = "not an address", .port = 0}),
               std::invalid_argument);

  console_server server(fake.make(), {.host = "0.0.0.0", .port = 0, .token = "s3cret",
                                      .publish_interval = 10ms});
  auto options = client_to(server);
  console_client anonymous(options);
  anonymous.start();
  ASSERT_TRUE(anonymous.wait_for(connection_state::refused, kWait));
  EXPECT_NE(anonymous.connection_detail().find("requires a token"), std::string::npos);

  options.token = "s3creT";
  console_client wrong(options);
  wrong.start();
  ASSERT_TRUE(wrong.wait_for(connection_state::refused, kWait));
  EXPECT_NE(wrong.connection_detail().find("wrong token"), std::string::npos);

  options.token = "s3cret";
  console_client right(options);
  right.start();
  EXPECT_TRUE(right.wait_for([](const console_state& s) { return s.tasks.size() == 2; }, kWait));
  EXPECT_EQ(server.stats().refused, 2u);
}

TEST(ConsoleServer, ClientLimitRefusesExtraConsoles) {
  coroscope::test::fake_source fake;
  console_server server(fake.make(), {.port = 0, .publish_interval = 10ms, .max_clients = 1});
  console_client first(client_to(server));
  first.start();
  ASSERT_TRUE(first.wait_for(connection_state::connected, kWait));
  auto options = client_to(server);
  options.reconnect = false;
  console_client second(options);
  second.start();
  ASSERT_TRUE(second.wait_for(connection_state::disconnected, kWait));
  EXPECT_NE(second.connection_detail().find("too many consoles"), std::string::npos)
      << second.connection_detail();
}

TEST(ConsoleServer, ClientReconnectsAfterTheServerComesBack) {
  coroscope::test::fake_source fake;
  auto server = std::make_unique<console_server>(fake.make(), coroscope::console_options{
                                                                  .port = 0, .publish_interval = 10ms});
  const auto port = server->port();
  coroscope::console_client_options options;
  options.port = port;
  options.initial_backoff = 10ms;
  options.max_backoff = 50ms;
  console_client client(options);
  client.start();
  ASSERT_TRUE(client.wait_for(connection_state::connected, kWait));
  server.reset();
  ASSERT_TRUE(client.wait_for(connection_state::disconnected, kWait));
  server = std::make_unique<console_server>(fake.make(), coroscope::console_options{
                                                             .port = port, .publish_interval = 10ms});
  ASSERT_TRUE(client.wait_for(connection_state::connected, kWait));
  EXPECT_TRUE(client.wait_for([](const console_state& s) { return s.tasks.size() == 2; }, kWait));
  EXPECT_EQ(client.stats().connects, 2u);
}

TEST(ConsoleServer, UnknownTaskDetailsIsAnErrorThatKeepsTheConnection) {
  coroscope::test::fake_source fake;
  console_server server(fake.make(), {.port = 0, .publish_interval = 10ms});
  std::mutex m;
  std::string error;
  coroscope::console_client_callbacks callbacks;
  callbacks.on_error = [&](const std::string& e) { std::lock_guard lock(m); error = e; };
  console_client client(client_to(server), callbacks);
  client.start();
  ASSERT_TRUE(client.wait_for(connection_state::connected, kWait));
  client.request_task_details(99);
  ASSERT_TRUE(eventually([&] { std::lock_guard lock(m); return !error.empty(); }));
  EXPECT_NE(error.find("99"), std::string::npos);
  client.request_task_details(1);
  ASSERT_TRUE(eventually([&] { return client.last_details() != nullptr; }));
  EXPECT_EQ(client.last_details()->async_stack.at(0).function, "accept_loop()");
  EXPECT_TRUE(client.last_details()->async_stack_cut);
  EXPECT_EQ(client.last_details()->task.poll_times.p50, 5us);
  EXPECT_EQ(client.connection(), connection_state::connected);
}

TEST(ConsoleServer, RequestsBeyondTheReplyCapWaitAndAreAllAnswered) {
  // One reply may wait at a time: after each, the server stops reading this console until
  // it is sent, then reads on. Every request is still answered, in order.
  coroscope::test::fake_source fake;
  // No update after the first (publish hourly): a read that times out means no reply came.
  console_server server(fake.make(), {.port = 0, .publish_interval = 1h, .max_queued_replies = 1});
  asio::io_context io;
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  const timeval read_limit{30, 0};  // a stalled server fails the test, not hangs it
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &read_limit, sizeof read_limit);
  constexpr std::uint64_t kRequests = 200;
  std::string requests = hello_frame();
  for (std::uint64_t id = 1; id <= kRequests; ++id) {
    pb::ClientMessage m;
    m.mutable_task_details()->set_task_id(1000 + id);
    requests += client_frame(m);
  }
  asio::write(s, asio::buffer(requests));

  coroscope::console::frame_decoder decoder;
  std::uint64_t answered = 0;
  std::array<char, 4096> buf;
  std::string payload;
  while (answered < kRequests) {
    // recv, not Asio's read_some: Asio would wait again after SO_RCVTIMEO expires.
    const ssize_t n = ::recv(s.native_handle(), buf.data(), buf.size(), 0);
    ASSERT_GT(n, 0) << "no more replies after " << answered << " answers";
    decoder.feed({buf.data(), static_cast<std::size_t>(n)});
    while (decoder.next(payload) == coroscope::console::frame_decoder::status::frame) {
      pb::ServerMessage m;
      ASSERT_TRUE(m.ParseFromString(payload));
      if (!m.has_error()) continue;  // the hello and state
      EXPECT_EQ(m.error().code(), pb::Error::CODE_UNKNOWN_TASK);
      EXPECT_EQ(m.error().message(), "no task with id " + std::to_string(1000 + ++answered));
    }
  }
  EXPECT_EQ(server.stats().requests, kRequests);
  // The last reply can arrive before the server's thread has seen its write complete and
  // read on.
  EXPECT_TRUE(eventually([&] { return server.stats().throttled_clients == 0; }));
  EXPECT_EQ(server.stats().clients, 1u);
}

TEST(ConsoleAddress, Parses) {
  coroscope::console_options o;
  std::string error;
  ASSERT_TRUE(coroscope::parse_console_address("0.0.0.0:7000", o, error));
  EXPECT_EQ(o.host, "0.0.0.0");
  EXPECT_EQ(o.port, 7000);
  ASSERT_TRUE(coroscope::parse_console_address("[::1]:0", o, error));
  EXPECT_EQ(o.host, "::1");
  ASSERT_TRUE(coroscope::parse_console_address(":6670", o, error));
  EXPECT_EQ(o.host, "127.0.0.1");
  // A bare port, as README documents for COROSCOPE_CONSOLE (refused before the console
  // and the HTTP server shared one parser).
  ASSERT_TRUE(coroscope::parse_console_address("6671", o, error)) << error;
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 6671);
  // A bare IPv6 address: once read as host ":" port 1; now refused, naming the bracketed form.
  EXPECT_FALSE(coroscope::parse_console_address("::1", o, error));
  EXPECT_NE(error.find("[::1]:6669"), std::string::npos) << error;
  EXPECT_FALSE(coroscope::parse_console_address("localhost", o, error));
  EXPECT_FALSE(coroscope::parse_console_address("localhost:http", o, error));
  EXPECT_FALSE(coroscope::parse_console_address("localhost:70000", o, error));
  EXPECT_NE(error.find("bad port"), std::string::npos);
}

}  // namespace
