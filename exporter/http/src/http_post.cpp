// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "http_post.hpp"

#include "cloexec_io.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <coroscope/base/env_error_line.hpp>

#include <stdexcept>

namespace coroscope::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

http_base_url parse_base_url(std::string_view url) {
  auto bad = [&](const std::string& why) -> http_base_url {
    throw std::invalid_argument("COROSCOPE_PYROSCOPE_URL=" + env::quoted(url) + ": " + why);
  };
  constexpr std::string_view scheme = "http://";
  if (url.starts_with("https://"))
    return bad("https is not supported; use http:// (e.g. through a local TLS sidecar)");
  if (!url.starts_with(scheme)) return bad("expected http://host[:port][/prefix]");
  std::string_view rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return bad("user info in the URL is not supported");
  if (path.find_first_of("?#") != std::string_view::npos) return bad("no query or fragment allowed");
  http_base_url b;
  b.host_header = std::string(authority);
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("unterminated [IPv6] host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("bad port");
      port = after.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return bad("no host");
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
      return bad("bad port " + env::quoted(port));
    b.port = std::string(port);
  }
  b.host = std::string(host);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  b.prefix = std::string(path);
  return b;
}

namespace {

asio::awaitable<void> exchange(const http_base_url& base, const std::string& target, std::string body,
                               std::string_view content_type, std::chrono::milliseconds timeout,
                               post_result& result) {
  auto executor = co_await asio::this_coro::executor;
  boost::system::error_code ec;
  tcp::resolver resolver{executor};
  beast::tcp_stream stream{executor};
  // One deadline for the whole exchange: resolving is not covered by tcp_stream's timer,
  // but a numeric or local host resolves at once.
  auto endpoints = co_await resolver.async_resolve(base.host, base.port, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    result.error = "cannot resolve " + base.host + ": " + ec.message();
    co_return;
  }
  stream.expires_after(timeout);
  ec = co_await connect_cloexec(stream, endpoints);
  if (ec) {
    result.error = "cannot connect to " + base.host_header + ": " + ec.message();
    co_return;
  }
  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::host, base.host_header);
  req.set(http::field::user_agent, "coroscope");
  req.set(http::field::content_type, content_type);
  req.body() = std::move(body);
  req.prepare_payload();
  co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    result.error = "sending to " + base.host_header + " failed: " + ec.message();
    co_return;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    result.error = (ec == beast::error::timeout ? "no response from " : "reading the response of ") +
                   base.host_header + (ec == beast::error::timeout ? " in time" : " failed: " + ec.message());
    co_return;
  }
  result.status = parser.get().result_int();
  result.body = parser.get().body().substr(0, 200);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace

post_result http_post(const http_base_url& base, const std::string& target, std::string body,
                      std::string_view content_type, std::chrono::milliseconds timeout) {
  asio::io_context io{1};
  post_result result;
  asio::co_spawn(io, exchange(base, target, std::move(body), content_type, timeout, result),
                 [&](std::exception_ptr e) {
                   if (!e) return;
                   try {
                     std::rethrow_exception(e);
                   } catch (const std::exception& ex) {
                     result.error = ex.what();
                   }
                 });
  io.run();
  return result;
}

}  // namespace coroscope::detail
