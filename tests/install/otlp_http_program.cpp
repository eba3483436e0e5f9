// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::otlp_http alone: options from an injected environment, and an otlp_exporter
// that POSTs one encoded, gzipped request to a loopback listener standing in for a
// collector, which answers 200 with a partial success.
#include <chrono>
#include <exception>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <coroscope/otlp_exporter.hpp>

#include "check.hpp"

using install_test::check;
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

coroscope::cpu_profile profile() {
  coroscope::cpu_profile p;
  p.period_ns = 10'000'000;
  coroscope::sample s;
  coroscope::frame leaf;
  leaf.function = "encode_reply";
  s.stack = {p.add_frame(leaf)};
  s.count = 1;
  p.samples = {s};
  return p;
}

// ExportProfilesServiceResponse{partial_success{rejected_profiles: 1}}: field 1 (a
// message of 2 bytes) holding field 1 (varint 1).
const std::string partial_success_body("\x0a\x02\x08\x01", 4);

}  // namespace

int main() {
  std::ostringstream err;
  const auto options = coroscope::otlp_exporter_options::from_environment(
      "install-otlp-http", err, [](std::string_view name) -> std::optional<std::string> {
        if (name == "OTEL_EXPORTER_OTLP_ENDPOINT") return "http://collector:4318/";
        if (name == "OTEL_EXPORTER_OTLP_COMPRESSION") return "none";
        return std::nullopt;
      });
  check(err.str().empty(), "the options are read without errors");
  check(options.endpoint == "http://collector:4318/v1development/profiles",
        "the profiles path is appended to OTEL_EXPORTER_OTLP_ENDPOINT (" + options.endpoint + ")");
  check(options.compression == coroscope::otlp_compression::none, "compression none");

  bool refused = false;
  try {
    coroscope::otlp_exporter_options https;
    https.endpoint = "https://collector:4318/v1development/profiles";
    coroscope::otlp_exporter exporter(https);
  } catch (const std::invalid_argument&) {
    refused = true;
  }
  check(refused, "an https endpoint is refused with std::invalid_argument");

  // The collector: one connection, the request head read, a 200 with the body above.
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  std::string request_head;
  std::thread collector([&] {
    try {
      tcp::socket socket(io);
      acceptor.accept(socket);
      asio::streambuf head;
      asio::read_until(socket, head, "\r\n\r\n");
      request_head.assign(asio::buffers_begin(head.data()), asio::buffers_end(head.data()));
      asio::write(socket, asio::buffer("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\n"
                                       "Content-Length: 4\r\nConnection: close\r\n\r\n" +
                                       partial_success_body));
    } catch (const std::exception& e) {
      check(false, std::string("the collector answers: ") + e.what());
    }
  });

  coroscope::otlp_exporter_options o;
  o.endpoint = "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) +
               "/v1development/profiles";
  o.log = [](const std::string&) {};
  coroscope::otlp_exporter exporter(o);
  check(exporter.submit(profile()), "a profile is queued");
  check(exporter.shutdown(std::chrono::seconds(30)), "shutdown flushes it");
  collector.join();
  const coroscope::otlp_exporter_stats stats = exporter.stats();
  check(stats.sent == 1 && stats.failed == 0, "the collector accepted one request");
  check(request_head.find("POST /v1development/profiles HTTP/1.1") == 0, "it was a POST to the path");
  check(request_head.find("Content-Encoding: gzip") != std::string::npos, "gzipped by default");
  check(stats.partial_successes == 1 && stats.rejected_profiles == 1,
        "the partial success in the answer is counted");
  return install_test::finish("otlp_http_program");
}
