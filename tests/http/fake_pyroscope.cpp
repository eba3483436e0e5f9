// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "fake_pyroscope.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace coroscope::test {

namespace http = boost::beast::http;
using boost::asio::ip::tcp;

namespace {

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

fake_pyroscope::fake_pyroscope() {
  tcp::endpoint ep{boost::asio::ip::make_address("127.0.0.1"), 0};
  acceptor_.open(ep.protocol());
  acceptor_.bind(ep);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  accept_one();
  thread_ = std::thread([this] { io_.run(); });
}

fake_pyroscope::~fake_pyroscope() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    held_ = false;
  }
  cv_.notify_all();
  boost::asio::post(io_, [this] { acceptor_.close(); });
  thread_.join();
  for (auto& t : handlers_) t.join();
}

void fake_pyroscope::accept_one() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) return;
    // One blocking thread per connection keeps the fake simple; tests make few.
    handlers_.emplace_back([this, s = std::make_shared<tcp::socket>(std::move(socket))]() mutable {
      boost::system::error_code ec;
      boost::beast::flat_buffer buffer;
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      http::read(*s, buffer, parser, ec);
      if (ec) return;
      auto req = parser.release();
      received_request r;
      r.method = std::string(req.method_string());
      std::string_view target = req.target();
      auto q = target.find('?');
      r.path = std::string(target.substr(0, q));
      if (q != std::string_view::npos) {
        std::string_view query = target.substr(q + 1);
        while (!query.empty()) {
          auto amp = query.find('&');
          std::string_view pair = query.substr(0, amp);
          auto eq = pair.find('=');
          r.query[percent_decode(pair.substr(0, eq))] =
              eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
          query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        }
      }
      r.content_type = std::string(req[http::field::content_type]);
      r.body = req.body();
      unsigned status = 200;
      {
        std::unique_lock lock(mu_);
        requests_.push_back(std::move(r));
        cv_.notify_all();
        cv_.wait(lock, [&] { return !held_ || stopping_; });
        if (stopping_) return;
        if (!script_.empty()) {
          status = script_.front();
          script_.pop_front();
        }
      }
      http::response<http::string_body> res{static_cast<http::status>(status), 11};
      res.body() = status == 200 ? "" : "scripted failure\n";
      res.keep_alive(false);
      res.prepare_payload();
      http::write(*s, res, ec);
      s->shutdown(tcp::socket::shutdown_both, ec);
    });
    accept_one();
  });
}

void fake_pyroscope::script(std::vector<unsigned> statuses) {
  std::lock_guard lock(mu_);
  script_.assign(statuses.begin(), statuses.end());
}

void fake_pyroscope::hold() {
  std::lock_guard lock(mu_);
  held_ = true;
}

void fake_pyroscope::release() {
  {
    std::lock_guard lock(mu_);
    held_ = false;
  }
  cv_.notify_all();
}

bool fake_pyroscope::wait_for_requests(std::size_t n, std::chrono::seconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

std::vector<received_request> fake_pyroscope::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

}  // namespace coroscope::test
