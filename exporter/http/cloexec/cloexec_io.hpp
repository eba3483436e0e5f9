// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

// Descriptors opened close-on-exec, atomically. Asio 1.81 opens sockets with a plain
// ::socket() and accepts with a plain ::accept(), so every program the service starts
// (fork + exec) would inherit them: a listening port held by a child that outlives the
// service keeps the restarted service from binding it. Setting FD_CLOEXEC afterwards
// leaves a window in which another thread's fork + exec still inherits the descriptor;
// these helpers create each one with SOCK_CLOEXEC / O_CLOEXEC instead.
//
// Header-only, internal (target coroscope_cloexec_io): used by the HTTP endpoints, the
// Pyroscope push, the OTLP client and the console's server and client.

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/system/error_code.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <optional>
#include <string>

namespace coroscope::detail {

/// Opens `socket` (a socket or an acceptor, closed) for `protocol` with SOCK_CLOEXEC.
template <class Socket, class Protocol>
void open_cloexec(Socket& socket, const Protocol& protocol, boost::system::error_code& ec) {
  const int fd = ::socket(protocol.family(), protocol.type() | SOCK_CLOEXEC, protocol.protocol());
  if (fd < 0) {
    ec.assign(errno, boost::system::system_category());
    return;
  }
  socket.assign(protocol, fd, ec);
  if (ec) ::close(fd);
}

/// Opens `acceptor` (closed) for `protocol` with SOCK_CLOEXEC, non-blocking, as
/// `async_accept_cloexec` needs it.
template <class Protocol>
void open_acceptor_cloexec(boost::asio::ip::tcp::acceptor& acceptor, const Protocol& protocol,
                           boost::system::error_code& ec) {
  open_cloexec(acceptor, protocol, ec);
  if (!ec) acceptor.non_blocking(true, ec);
}

/// Accepts one connection on `acceptor` with accept4(SOCK_CLOEXEC); completes with
/// `void(error_code, tcp::socket)` like `acceptor.async_accept`. Waits for readiness
/// first, so the handler never runs inside the initiating call. The acceptor must be
/// non-blocking (opened by `open_acceptor_cloexec`): a connection reset between readiness
/// and accept4 then means "wait again", not a blocked I/O thread.
template <class CompletionToken>
auto async_accept_cloexec(boost::asio::ip::tcp::acceptor& acceptor, CompletionToken&& token) {
  using boost::asio::ip::tcp;
  using boost::system::error_code;
  return boost::asio::async_compose<CompletionToken, void(error_code, tcp::socket)>(
      [&acceptor, waited = false](auto& self, error_code ec = {}) mutable {
        if (!waited) {
          waited = true;
          acceptor.async_wait(tcp::acceptor::wait_read, std::move(self));
          return;
        }
        tcp::socket socket{acceptor.get_executor()};
        while (!ec) {
          const int fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_CLOEXEC);
          if (fd >= 0) {
            const auto protocol = acceptor.local_endpoint(ec).protocol();
            if (!ec) socket.assign(protocol, fd, ec);
            if (ec) ::close(fd);
            break;
          }
          if (errno == EINTR || errno == ECONNABORTED) continue;  // try the next one
          if (errno == EAGAIN || errno == EWOULDBLOCK) {
            acceptor.async_wait(tcp::acceptor::wait_read, std::move(self));
            return;
          }
          ec.assign(errno, boost::system::system_category());
        }
        self.complete(ec, std::move(socket));
      },
      token, acceptor);
}

/// The socket under `stream`: the stream itself, or `stream.socket()` (beast::tcp_stream).
template <class Stream>
auto& socket_of(Stream& stream) {
  if constexpr (requires { stream.socket(); }) return stream.socket();
  else return stream;
}

/// Connects `stream` (a tcp::socket or a beast::tcp_stream, whose timeout applies) to the
/// first of `endpoints` that accepts, each attempt on a fresh SOCK_CLOEXEC socket:
/// asio::async_connect over a range would reopen the socket without it between
/// attempts. Returns the last attempt's error; stops early on a timeout or cancellation.
template <class Stream, class Endpoints>
boost::asio::awaitable<boost::system::error_code> connect_cloexec(Stream& stream,
                                                                 const Endpoints& endpoints) {
  boost::system::error_code ec = boost::asio::error::host_not_found;
  for (const auto& entry : endpoints) {
    auto& socket = socket_of(stream);
    boost::system::error_code ignored;
    socket.close(ignored);
    open_cloexec(socket, entry.endpoint().protocol(), ec);
    if (ec) co_return ec;
    co_await stream.async_connect(entry.endpoint(),
                                  boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (!ec || ec == boost::asio::error::operation_aborted || ec == boost::beast::error::timeout)
      co_return ec;
  }
  co_return ec;
}

/// The first `max_bytes` of a small file (e.g. under /proc), read through an O_CLOEXEC
/// descriptor; nothing when it cannot be opened or read.
inline std::optional<std::string> read_file_cloexec(const char* path, std::size_t max_bytes = 64 * 1024) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buffer[4096];
  while (out.size() < max_bytes) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (out.size() > max_bytes) out.resize(max_bytes);
  return out;
}

}  // namespace coroscope::detail
