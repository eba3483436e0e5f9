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

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>

namespace {

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) std::abort();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server().port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
  // The server may close early (bad frame): then the rest is not written.
  std::size_t sent = 0;
  while (sent < size) {
    const auto n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  // Every connection must end: after a refusal, a bad frame, or our half-close. The
  // hello timeout bounds the wait; 30 s without the close is a hang.
  char buf[65536];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 30'000) != 1) std::abort();
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
  }
  ::close(fd);
  return 0;
}
