// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The debug server against clients that misbehave and a service that stops: a profile
// in progress must not hold up shutdown, a client that hangs up must free the profile
// slot, and connections that trickle their request in must not shut a scraper out.
#include <coroscope/debug_server.hpp>
#include <coroscope/metrics.hpp>

#include "http_test_client.hpp"
#include "test_data.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <vector>

namespace {

using coroscope::debug_server;
using coroscope::debug_sources;
using coroscope::test::http_get;
using coroscope::test::loopback;
using boost::asio::ip::tcp;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

/// A CPU source that samples until its time is up or it is told to stop, and says so.
struct stoppable_profile {
  std::mutex mu;
  std::condition_variable_any cv;
  int started = 0;
  int stopped_early = 0;
  int finished = 0;

  coroscope::cpu_profile run(std::chrono::seconds seconds, std::stop_token stop) {
    std::unique_lock lock(mu);
    ++started;
    cv.notify_all();
    cv.wait_for(lock, stop, seconds, [] { return false; });
    if (stop.stop_requested()) ++stopped_early;
    ++finished;
    cv.notify_all();
    return coroscope::test::small_profile();
  }
  bool wait_until(const std::function<bool()>& done) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 20s, done);
  }
  debug_sources sources() {
    debug_sources s;
    s.cpu_profile = [this](std::chrono::seconds secs, std::stop_token stop) {
      return run(secs, std::move(stop));
    };
    s.metrics_text = [] { return coroscope::prometheus_text(coroscope::test::small_snapshot(), {}); };
    return s;
  }
};

/// A connection that has sent `bytes` and nothing more.
std::unique_ptr<tcp::socket> connect_and_send(boost::asio::io_context& io, unsigned short port,
                                              const std::string& bytes) {
  auto socket = std::make_unique<tcp::socket>(io);
  socket->connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(*socket, boost::asio::buffer(bytes));
  return socket;
}

/// The answer `pending` got by the time `server` has stopped, or nothing; destroys the
/// server, so a connection it left open cannot hang the test.
std::optional<coroscope::test::http_response> answer_after_stop(
    std::unique_ptr<debug_server>& server, std::future<coroscope::test::http_response>& pending) {
  server->stop();
  const bool ready = pending.wait_for(20s) == std::future_status::ready;
  server.reset();
  try {
    auto res = pending.get();
    if (ready) return res;
  } catch (const std::exception&) {
    // the connection was closed unanswered
  }
  return std::nullopt;
}

TEST(debug_server_faults, stop_answers_a_running_profile_at_once_instead_of_after_its_length) {
  stoppable_profile fake;
  auto server = std::make_unique<debug_server>(loopback(), fake.sources());
  const unsigned short port = server->port();
  auto answer = std::async(std::launch::async,
                           [port] { return http_get(port, "/debug/pprof/profile?seconds=60"); });
  ASSERT_TRUE(fake.wait_until([&] { return fake.started == 1; }));

  const auto res = answer_after_stop(server, answer);
  // 20 s is far above the one-second grace and far below the profile's 60 s.
  ASSERT_TRUE(res) << "no answer within 20 s of stop(): it waited for the whole profile";
  EXPECT_EQ(res->result(), http::status::service_unavailable) << res->body();
  EXPECT_NE(res->body().find("stopping"), std::string::npos) << res->body();
  EXPECT_EQ(fake.stopped_early, 1);
}

TEST(debug_server_faults, a_client_that_hangs_up_frees_the_profile_slot) {
  stoppable_profile fake;
  debug_server server(loopback(), fake.sources());
  {
    boost::asio::io_context io;
    auto gone = connect_and_send(io, server.port(),
                                 "GET /debug/pprof/profile?seconds=60 HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(fake.wait_until([&] { return fake.started == 1; }));
  }  // the client closes its connection
  ASSERT_TRUE(fake.wait_until([&] { return fake.finished == 1; }))
      << "the abandoned profile kept sampling";
  EXPECT_EQ(fake.stopped_early, 1);

  // The slot is released on the server's thread right after the callback returns.
  http::status status = http::status::conflict;
  for (const auto end = steady::now() + 20s; status == http::status::conflict && steady::now() < end;)
    status = http_get(server.port(), "/debug/pprof/profile?seconds=1").result();
  EXPECT_EQ(status, http::status::ok);
  EXPECT_EQ(fake.stopped_early, 1) << "the second profile ran its whole length";
}

TEST(debug_server_faults, trickled_requests_cannot_shut_a_scraper_out) {
  stoppable_profile fake;
  auto options = loopback();
  options.max_connections = 8;
  auto server = std::make_unique<debug_server>(options, fake.sources());
  const unsigned short port = server->port();
  // A profile in progress is busy, not idle: the flood must not evict it.
  auto profile = std::async(std::launch::async,
                            [port] { return http_get(port, "/debug/pprof/profile?seconds=60"); });
  ASSERT_TRUE(fake.wait_until([&] { return fake.started == 1; }));

  boost::asio::io_context io;
  std::vector<std::unique_ptr<tcp::socket>> slow;
  int answered = 0;
  constexpr int kProbes = 10;
  for (int probe = 0; probe < kProbes; ++probe) {
    // Enough half-sent requests to fill every place again, then a scraper.
    for (std::size_t i = 0; i < options.max_connections; ++i)
      slow.push_back(connect_and_send(io, port, "GET /metrics HTTP/1.1\r\nX-Slow: "));
    try {
      if (http_get(port, "/metrics").result() == http::status::ok) ++answered;
    } catch (const std::exception&) {
      // closed at once: counted as not answered
    }
  }
  EXPECT_EQ(answered, kProbes);

  const auto res = answer_after_stop(server, profile);
  ASSERT_TRUE(res) << "the profile's connection was dropped";
  EXPECT_EQ(res->result(), http::status::service_unavailable);
}

TEST(debug_server_faults, a_request_trickled_in_a_byte_at_a_time_is_cut_off_at_the_request_timeout) {
  auto options = loopback();
  options.request_timeout = 300ms;
  debug_server server(options, {});
  boost::asio::io_context io;
  auto socket = connect_and_send(io, server.port(), "GET /metrics HTTP/1.1\r\n");
  const int fd = socket->native_handle();
  // Each byte arrives well within any per-read idle timeout; only a deadline for the
  // whole request ends it. The pacing is the attack, not a synchronisation.
  bool closed = false;
  const auto end = steady::now() + 20s;
  while (!closed && steady::now() < end) {
    const char byte = 'X';
    if (::send(fd, &byte, 1, MSG_NOSIGNAL) != 1) {
      closed = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) == 1) {
      char c;
      closed = ::recv(fd, &c, 1, 0) <= 0;
    }
  }
  EXPECT_TRUE(closed) << "a trickling client kept its connection for 20 s";
}

TEST(debug_server_faults, heap_profiling_off_is_404_saying_how_to_turn_it_on) {
  debug_sources sources;
  sources.heap_profile = [] { return std::optional<std::string>{}; };
  debug_server server(loopback(), sources);
  const auto res = http_get(server.port(), "/debug/pprof/heap");
  EXPECT_EQ(res.result(), http::status::not_found);
  EXPECT_NE(res.body().find("COROSCOPE_HEAP_PROFILE"), std::string::npos) << res.body();
  EXPECT_NE(res.body().find("coroscope::heap"), std::string::npos) << res.body();
  EXPECT_EQ(res.body().find('\n'), res.body().size() - 1) << "one line: " << res.body();
}

}  // namespace
