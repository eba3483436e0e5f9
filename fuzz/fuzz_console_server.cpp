// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The probe side of the console protocol, end to end: one console server (with a token)
// runs for the whole fuzzing session; each input is written by a fresh TCP client, which
// then half-closes and reads until the server closes. The server must survive any bytes
// and close every such connection.
#include <coroscope/console_server.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace {

[[noreturn]] void fail(const char* what, int error) {
  std::fprintf(stderr, "fuzz_console_server: %s: %s\n", what, std::strerror(error));
  std::abort();
}

coroscope::console_source fake_source() {
  coroscope::console_source s;
  s.identity = [] {
    coroscope::console_identity id;
    id.service_name = "fuzz";
    id.instance_id = "0123456789abcdef";
    return id;
  };
  s.snapshot = [] {
    coroscope::snapshot snap;
    coroscope::task_info t;
    t.id = 1;
    t.name = "task";
    snap.tasks.push_back(t);
    snap.workers.emplace_back();
    return snap;
  };
  s.task_details = [](std::uint64_t id) -> std::optional<coroscope::task_details> {
    if (id != 1) return std::nullopt;
    coroscope::task_details d;
    d.task.id = 1;
    d.async_stack.push_back({"f()", "f.cpp", 1});
    return d;
  };
  // A TraceRequest's reply, without writing a file.
  s.write_trace = [] { return coroscope::trace_written{"/nonexistent/console.perfetto-trace", 1, {}}; };
  return s;
}

coroscope::console_server& server() {
  static auto s = [] {
    coroscope::console_options o;
    o.port = 0;
    o.token = "fuzz-token";
    o.publish_interval = std::chrono::hours(1);
    o.hello_timeout = std::chrono::seconds(5);
    return std::make_unique<coroscope::console_server>(fake_source(), o);
  }();
  return *s;
}

/// Connects to the server. libFuzzer's unit-timeout SIGALRM (every timeout/2 + 1 s,
/// installed without SA_RESTART) can interrupt the call: the connection then goes on in
/// the background, and its result is read once the socket is writable.
void connect_to_server(int fd) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server().port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return;
  if (errno != EINTR) fail("connect", errno);
  pollfd p{fd, POLLOUT, 0};
  while (::poll(&p, 1, -1) < 0)
    if (errno != EINTR) fail("poll", errno);
  int error = 0;
  socklen_t len = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) fail("getsockopt", errno);
  if (error != 0) fail("connect", error);
}

/// Waits up to `limit` for `fd` to be readable, across interrupting signals.
bool readable_within(int fd, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) fail("poll", errno);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) fail("socket", errno);
  connect_to_server(fd);
  // The server may close early (bad frame): then the rest is not written.
  std::size_t sent = 0;
  while (sent < size) {
    const auto n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  // Every connection must end: after a refusal, a bad frame, or our half-close. The
  // hello timeout bounds the wait; 30 s without the close is a hang.
  char buf[65536];
  for (;;) {
    if (!readable_within(fd, std::chrono::seconds(30))) {
      std::fprintf(stderr, "fuzz_console_server: the server kept the connection open 30 s\n");
      std::abort();
    }
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
  }
  ::close(fd);
  return 0;
}
