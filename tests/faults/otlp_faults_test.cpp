// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Collectors that misbehave: down (port closed), slow (accepts, never answers), garbage
// (200 with a random body, 500 with HTML). The exporter counts each outcome, and neither
// submit nor shutdown hangs.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <coroscope/otlp_exporter.hpp>

#include <mutex>
#include <thread>
#include <vector>

#include "fault_support.hpp"
#include "../otlp/test_profiles.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

coroscope::cpu_profile tiny_profile() {
  return coroscope::test::make_profile({coroscope::test::make_sample("f")});
}

coroscope::otlp_exporter_options options_for(std::uint16_t port) {
  coroscope::otlp_exporter_options o;
  o.endpoint = "http://127.0.0.1:" + std::to_string(port) + "/v1development/profiles";
  o.timeout = std::chrono::milliseconds(300);
  o.retry_initial_backoff = std::chrono::milliseconds(5);
  o.retry_max_backoff = std::chrono::milliseconds(10);
  o.retry_max_elapsed = std::chrono::milliseconds(200);
  o.log = [](const std::string&) {};
  return o;
}

/// A fake collector on a thread: answers every connection with `response` (raw bytes),
/// or, when `answer` is false, accepts and holds the connection open without a word.
class fake_collector {
 public:
  fake_collector(std::string response, bool answer = true)
      : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)),
        response_(std::move(response)),
        answer_(answer) {
    thread_ = std::thread([this] { serve(); });
  }
  ~fake_collector() {
    boost::system::error_code ec;
    stopping_ = true;
    // Wake the blocked accept with one last connection; the acceptor is only touched by
    // the serving thread until it has been joined.
    tcp::socket poke(io_);
    poke.connect(endpoint_, ec);
    thread_.join();
  }
  std::uint16_t port() const { return endpoint_.port(); }
  int connections() const { return connections_.load(); }

 private:
  void serve() {
    while (!stopping_) {
      tcp::socket s(io_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (ec || stopping_) return;
      ++connections_;
      if (!answer_) {
        held_.push_back(std::move(s));  // never answered; closed at the end
        continue;
      }
      char buf[65536];
      s.read_some(asio::buffer(buf), ec);
      asio::write(s, asio::buffer(response_), ec);
      s.shutdown(tcp::socket::shutdown_send, ec);
      while (!ec) s.read_some(asio::buffer(buf), ec);
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  tcp::endpoint endpoint_ = acceptor_.local_endpoint();
  std::string response_;
  bool answer_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::vector<tcp::socket> held_;
  std::thread thread_;
};

std::string http_response(std::string_view status, std::string_view content_type,
                          std::string_view body) {
  return "HTTP/1.1 " + std::string(status) + "\r\nContent-Type: " + std::string(content_type) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

TEST(OtlpFault, CollectorDownFailsTheRequest) {
  std::uint16_t port = 0;
  {
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  coroscope::otlp_exporter exporter(options_for(port));
  EXPECT_TRUE(exporter.submit(tiny_profile()));
  exporter.shutdown(std::chrono::seconds(20));
  const auto st = exporter.stats();
  EXPECT_EQ(st.sent, 0u);
  EXPECT_EQ(st.failed + st.dropped, 1u);
  EXPECT_FALSE(exporter.submit(tiny_profile()));
}

TEST(OtlpFault, SlowCollectorTimesOutAndSubmitNeverBlocks) {
  fake_collector collector("", /*answer=*/false);
  auto o = options_for(collector.port());
  o.queue_capacity = 1;
  coroscope::otlp_exporter exporter(o);
  // While the collector holds the first request, further submits return at once; the
  // bounded queue drops the oldest waiting one.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(exporter.submit(tiny_profile()));
  ASSERT_TRUE(coroscope::fault_test::eventually([&] { return collector.connections() >= 1; }));
  exporter.shutdown(std::chrono::seconds(20));
  const auto st = exporter.stats();
  EXPECT_EQ(st.sent, 0u);
  EXPECT_EQ(st.failed + st.dropped, 5u);
  EXPECT_GE(st.dropped, 3u);
}

TEST(OtlpFault, OkWithRandomBodyCountsAsSentWithoutPartialSuccess) {
  // Field 1 as a varint where a message is expected: not an ExportProfilesServiceResponse.
  const std::string body = "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f\x9a\x31garbage";
  fake_collector collector(http_response("200 OK", "application/x-protobuf", body));
  coroscope::otlp_exporter exporter(options_for(collector.port()));
  exporter.submit(tiny_profile());
  exporter.shutdown(std::chrono::seconds(20));
  const auto st = exporter.stats();
  EXPECT_EQ(st.sent, 1u);
  EXPECT_EQ(st.failed, 0u);
  EXPECT_EQ(st.partial_successes, 0u);
}

TEST(OtlpFault, ServerErrorWithHtmlFailsWithoutRetry) {
  fake_collector collector(
      http_response("500 Internal Server Error", "text/html", "<html><body>oops</body></html>"));
  coroscope::otlp_exporter exporter(options_for(collector.port()));
  exporter.submit(tiny_profile());
  exporter.shutdown(std::chrono::seconds(20));
  const auto st = exporter.stats();
  EXPECT_EQ(st.sent, 0u);
  EXPECT_EQ(st.failed, 1u);
  EXPECT_EQ(st.retried, 0u);
  EXPECT_EQ(collector.connections(), 1);
}

TEST(OtlpFault, NotHttpAtAllFails) {
  fake_collector collector(std::string("\x00\x01garbage\r\n\r\n", 13));
  coroscope::otlp_exporter exporter(options_for(collector.port()));
  exporter.submit(tiny_profile());
  exporter.shutdown(std::chrono::seconds(20));
  const auto st = exporter.stats();
  EXPECT_EQ(st.sent, 0u);
  EXPECT_EQ(st.failed + st.dropped, 1u);
}

}  // namespace
