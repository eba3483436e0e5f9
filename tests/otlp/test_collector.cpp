// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "test_collector.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace coroscope::test {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

std::string gunzip(const std::string& data) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) throw std::runtime_error("inflateInit2");
  std::string out;
  char chunk[16384];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      throw std::runtime_error("bad gzip body");
    }
    out.append(chunk, sizeof chunk - z.avail_out);
  }
  inflateEnd(&z);
  return out;
}

unsigned short unused_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

struct test_collector::impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  responder respond;
  std::vector<std::shared_ptr<tcp::socket>> held;  // never_answer connections (io thread)
  mutable std::mutex mutex;
  std::condition_variable arrived;
  std::vector<received_request> requests;
  std::thread thread;

  asio::awaitable<void> serve(tcp::socket socket) {
    auto shared = std::make_shared<tcp::socket>(std::move(socket));
    try {
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> request;
      co_await http::async_read(*shared, buffer, request, asio::use_awaitable);
      received_request r;
      r.method = std::string(request.method_string());
      r.target = std::string(request.target());
      for (const auto& field : request) r.headers[lower(std::string(field.name_string()))] = std::string(field.value());
      r.body = request.body();
      if (auto it = r.headers.find("content-encoding"); it != r.headers.end() && it->second == "gzip")
        r.body = gunzip(r.body);
      r.arrived = std::chrono::steady_clock::now();
      std::size_t index = 0;
      {
        std::lock_guard lock(mutex);
        index = requests.size();
        requests.push_back(r);
      }
      arrived.notify_all();
      scripted_response script = respond ? respond(r, index) : scripted_response{};
      if (script.never_answer) {
        held.push_back(shared);
        co_return;
      }
      if (script.close_without_answer) {
        shared->close();
        co_return;
      }
      http::response<http::string_body> response{static_cast<http::status>(script.status), 11};
      response.set(http::field::content_type, "application/x-protobuf");
      for (const auto& [name, value] : script.headers) response.set(name, value);
      response.body() = script.body;
      response.keep_alive(false);
      response.prepare_payload();
      co_await http::async_write(*shared, response, asio::use_awaitable);
      boost::system::error_code ignored;
      shared->shutdown(tcp::socket::shutdown_both, ignored);
    } catch (const std::exception&) {
      // The client went away; nothing to record.
    }
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      asio::co_spawn(io, serve(std::move(socket)), asio::detached);
    }
  }
};

test_collector::test_collector(responder respond, unsigned short port) : impl_(std::make_unique<impl>()) {
  impl_->respond = std::move(respond);
  tcp::endpoint at(asio::ip::make_address("127.0.0.1"), port);
  impl_->acceptor.open(at.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(at);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([i = impl_.get()] { i->io.run(); });
}

test_collector::~test_collector() {
  impl_->io.stop();
  impl_->thread.join();
}

std::string test_collector::endpoint() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1development/profiles";
}

bool test_collector::wait_for(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  return impl_->arrived.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

std::vector<received_request> test_collector::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

}  // namespace coroscope::test
