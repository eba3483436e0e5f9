// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// What an OTLP collector (or whatever listens at the endpoint) answers: the input is the
// raw HTTP response a fake collector writes back to the real exporter, so Beast's parser,
// the status handling, `Retry-After`, gzip bodies and the partial-success body all see it.
// The Retry-After parser and the response decoder (`decode_otlp_response`) also get the
// input directly. The exporter must finish within its deadline with the request counted as
// sent, failed or dropped.
#include <coroscope/otlp_exporter.hpp>

#include "../tests/otlp/test_profiles.hpp"
#include "retry.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

/// Answers every connection with the current response bytes, then closes.
class fake_collector {
 public:
  fake_collector() : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    thread_ = std::thread([this] { serve(); });
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void set_response(std::string_view r) {
    std::lock_guard lock(mutex_);
    response_.assign(r);
  }

 private:
  void serve() {
    for (;;) {
      tcp::socket s(io_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (ec) continue;
      std::string r;
      {
        std::lock_guard lock(mutex_);
        r = response_;
      }
      // Read the request head first so closing does not reset the connection.
      char buf[4096];
      s.read_some(asio::buffer(buf), ec);
      asio::write(s, asio::buffer(r), ec);
      s.shutdown(tcp::socket::shutdown_send, ec);
      while (!ec) s.read_some(asio::buffer(buf), ec);
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::mutex mutex_;
  std::string response_;
  std::thread thread_;  // runs for the whole process
};

coroscope::cpu_profile tiny_profile() {
  return coroscope::test::make_profile({coroscope::test::make_sample("f")});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (const auto d = coroscope::detail::parse_retry_after(in, std::chrono::system_clock::now()))
    if (d->count() < 0 || *d > std::chrono::hours(24)) std::abort();
  if (const auto partial = coroscope::decode_otlp_response(in))
    if (partial->rejected_profiles == 0 && partial->error_message.empty()) std::abort();

  // Never destroyed: its thread serves until the process exits.
  static auto& collector = *new fake_collector;
  collector.set_response(in);
  coroscope::otlp_exporter_options o;
  o.endpoint = "http://127.0.0.1:" + std::to_string(collector.port()) + "/v1development/profiles";
  o.compression = coroscope::otlp_compression::none;
  o.timeout = std::chrono::milliseconds(2'000);
  o.retry_initial_backoff = std::chrono::milliseconds(1);
  o.retry_max_backoff = std::chrono::milliseconds(2);
  o.retry_max_elapsed = std::chrono::milliseconds(5);
  o.log = [](const std::string&) {};
  coroscope::otlp_exporter exporter(o);
  exporter.submit(tiny_profile());
  exporter.shutdown(std::chrono::milliseconds(3'000));
  const auto st = exporter.stats();
  if (st.sent + st.failed + st.dropped != 1) std::abort();
  return 0;
}
