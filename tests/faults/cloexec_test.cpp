// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// A service that starts programs (fork + exec) must not hand them its descriptors: a
// child holding the HTTP or console port keeps the restarted service from binding it
// ("Address already in use"). Every descriptor coroscope opens is close-on-exec.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "../support/scoped_env.hpp"
#include "fault_support.hpp"

namespace {

namespace http = boost::beast::http;
using boost::asio::ip::tcp;

using coroscope::test::scoped_env;

/// The descriptors of process `pid` and what each refers to (`socket:[123]`, a path).
std::map<int, std::string> descriptors_of(pid_t pid) {
  std::map<int, std::string> out;
  const std::filesystem::path dir = "/proc/" + std::to_string(pid) + "/fd";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const int fd = std::atoi(entry.path().filename().c_str());
    out[fd] = std::filesystem::read_symlink(entry.path(), ec).native();
  }
  return out;
}

/// A child that has exec'd `sleep`: it holds whatever descriptors were not close-on-exec.
class sleeping_child {
 public:
  sleeping_child() {
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl("/bin/sleep", "sleep", "300", static_cast<char*>(nullptr));
      const int error = errno;
      (void)!::write(ready[1], &error, sizeof error);
      ::_exit(127);
    }
    ::close(ready[1]);
    // The pipe is close-on-exec: it reads end-of-file once the exec has happened.
    int error = 0;
    exec_ok_ = pid_ > 0 && ::read(ready[0], &error, sizeof error) == 0;
    ::close(ready[0]);
    // After the exec, sleep's own start-up (the loader, the locale) opens and closes
    // descriptors of its own: its descriptors are the inherited ones only once it sleeps.
    if (exec_ok_) exec_ok_ = wait_until_asleep();
  }
  ~sleeping_child() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  sleeping_child(const sleeping_child&) = delete;
  sleeping_child& operator=(const sleeping_child&) = delete;

  bool running() const { return exec_ok_; }
  pid_t pid() const { return pid_; }

 private:
  /// Waits (polling, at most 10 s) until the child blocks in nanosleep / clock_nanosleep
  /// (x86-64 system calls 35 and 230, as /proc/PID/syscall gives them).
  bool wait_until_asleep() const {
    const std::string path = "/proc/" + std::to_string(pid_) + "/syscall";
    for (int tries = 0; tries < 10000; ++tries) {
      std::ifstream in(path);
      long number = -1;
      if (in >> number && (number == 35 || number == 230)) return true;
      ::usleep(1000);
    }
    return false;
  }

  pid_t pid_ = -1;
  bool exec_ok_ = false;
};

/// One request on a keep-alive connection, so the server holds an accepted socket. The
/// test's own socket is close-on-exec too: the child must hold nothing of this test's.
std::unique_ptr<tcp::socket> keep_alive_request(boost::asio::io_context& io, unsigned short port) {
  auto socket = std::make_unique<tcp::socket>(io);
  socket->assign(tcp::v4(), ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  socket->connect({boost::asio::ip::make_address("127.0.0.1"), port});
  http::request<http::empty_body> req{http::verb::get, "/metrics", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(*socket, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(*socket, buffer, res);
  EXPECT_EQ(res.result(), http::status::ok);
  return socket;
}

TEST(CloexecFault, AStartedProgramHoldsNoneOfTheProbesDescriptorsAndThePortsCanBeReboundWhileItLives) {
  const std::map<int, std::string> before = descriptors_of(::getpid());
  unsigned short http_port = 0, console_port = 0;
  auto child = [&] {
    scoped_env http("COROSCOPE_HTTP", "127.0.0.1:0");
    scoped_env console("COROSCOPE_CONSOLE", "127.0.0.1:0");
    boost::asio::io_context io;
    coroscope::probe probe{io, {.service_name = "fault-cloexec"}};
    http_port = probe.http_port();
    console_port = probe.console_port();
    EXPECT_NE(http_port, 0);
    EXPECT_NE(console_port, 0);
    // The sampler runs, and the symbolizer has read the binaries (it keeps them between
    // profiles): their descriptors are coroscope's too.
    probe.start_cpu_profile();
    coroscope::fault_test::spin(50'000'000);
    (void)probe.stop_cpu_profile();
    probe.start_cpu_profile();
    boost::asio::io_context client_io;
    auto connection = keep_alive_request(client_io, http_port);

    auto started = std::make_unique<sleeping_child>();
    EXPECT_TRUE(started->running());
    for (const auto& [fd, target] : descriptors_of(started->pid())) {
      if (fd <= 2) continue;
      const auto same = before.find(fd);
      EXPECT_TRUE(same != before.end() && same->second == target)
          << "the child inherited descriptor " << fd << " (" << target << ")";
    }
    (void)probe.stop_cpu_profile();
    return started;  // outlives the service
  }();
  ASSERT_TRUE(child->running());

  // A new service binds the same ports while the child still lives.
  scoped_env http("COROSCOPE_HTTP", "127.0.0.1:" + std::to_string(http_port));
  scoped_env console("COROSCOPE_CONSOLE", "127.0.0.1:" + std::to_string(console_port));
  boost::asio::io_context io;
  testing::internal::CaptureStderr();
  coroscope::probe probe{io, {.service_name = "fault-cloexec-restarted"}};
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(probe.http_port(), http_port) << err;
  EXPECT_EQ(probe.console_port(), console_port) << err;
}

}  // namespace
