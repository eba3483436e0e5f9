// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "http_client.hpp"

#include "cloexec_io.hpp"
#include <coroscope/gzip.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <boost/system/system_error.hpp>

#include <exception>

#ifndef COROSCOPE_VERSION
#error "COROSCOPE_VERSION must be defined by the build"
#endif

namespace coroscope::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// A collector's answer is a small protobuf or a status message; more is not for us.
constexpr std::size_t max_response_body = 1 << 20;

}  // namespace

// What the timer may cancel while a request runs.
struct http_client::request_state {
  clock::time_point deadline;
  tcp::resolver resolver;
  beast::tcp_stream stream;
  bool timed_out = false;
  explicit request_state(asio::io_context& io) : resolver(io), stream(io) {}
};

// One request and its response. Everything it refers to lives in post()'s frame, which
// runs the io_context until this coroutine is done.
asio::awaitable<void> exchange(http_client::request_state& state, const http_endpoint& endpoint,
                               http::request<http::string_body>& request, http_result& result) {
  auto endpoints = co_await state.resolver.async_resolve(endpoint.host, endpoint.port, asio::use_awaitable);
  if (const auto ec = co_await connect_cloexec(state.stream, endpoints)) throw boost::system::system_error(ec);
  co_await http::async_write(state.stream, request, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_response_body);
  co_await http::async_read(state.stream, buffer, parser, asio::use_awaitable);
  http::response<http::string_body> response = parser.release();
  http_response& r = result.response.emplace();
  r.status = response.result_int();
  r.reason = std::string(response.reason());
  r.retry_after = std::string(response[http::field::retry_after]);
  r.body = std::move(response.body());
  // Bodies are capped at 1 MiB; their inflated size too (a gzip bomb).
  if (response[http::field::content_encoding] == "gzip" && is_gzip(r.body))
    r.body = gzip_decompress(r.body, 1024 * 1024);
}

http_client::http_client() : timer_(io_) {}
http_client::~http_client() = default;

void http_client::arm_timer() {
  timer_.expires_at(current_->deadline);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || current_ == nullptr) return;  // cancelled: re-armed or request done
    current_->timed_out = true;
    current_->resolver.cancel();
    boost::system::error_code ignored;
    current_->stream.socket().close(ignored);
  });
}

void http_client::cut_at(clock::time_point deadline) {
  clock::rep wanted = deadline.time_since_epoch().count();
  clock::rep seen = cut_.load();
  while (wanted < seen && !cut_.compare_exchange_weak(seen, wanted)) {
  }
  // Applied on the client's thread: the request in flight (if any) gets the new deadline.
  asio::post(io_, [this, deadline] {
    if (current_ != nullptr && deadline < current_->deadline) {
      current_->deadline = deadline;
      arm_timer();
    }
  });
}

http_result http_client::post(const http_endpoint& endpoint,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              std::string body, bool gzipped, clock::time_point deadline) {
  request_state state(io_);
  state.deadline = std::min(deadline, clock::time_point(clock::duration(cut_.load())));
  http_result result;

  http::request<http::string_body> request{http::verb::post, endpoint.target, 11};
  request.set(http::field::host, endpoint.host_header);
  request.set(http::field::user_agent, "coroscope/" COROSCOPE_VERSION);
  request.set(http::field::content_type, "application/x-protobuf");
  if (gzipped) request.set(http::field::content_encoding, "gzip");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.keep_alive(false);
  request.body() = std::move(body);
  request.prepare_payload();


  current_ = &state;
  if (clock::now() >= state.deadline) {
    current_ = nullptr;
    result.timed_out = true;
    result.error = "deadline passed before the request started";
    return result;
  }
  arm_timer();
  asio::co_spawn(io_, exchange(state, endpoint, request, result), [&](std::exception_ptr error) {
    current_ = nullptr;
    timer_.cancel();
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      result.response.reset();
      result.error = e.what();
    }
  });
  io_.restart();
  io_.run();
  current_ = nullptr;
  boost::system::error_code ignored;
  state.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  state.stream.socket().close(ignored);
  if (state.timed_out && !result.response) {
    result.timed_out = true;
    result.error = "timed out";
  }
  return result;
}

}  // namespace coroscope::detail
