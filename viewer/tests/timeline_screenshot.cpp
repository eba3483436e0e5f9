// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Renders the timeline tab offscreen from a real run and saves it: the README's screenshot.
// The run is a plain Asio server written without coroscope in mind (a listener spawning
// each session on its socket's executor, sessions that parse, call a "backend" (a timer)
// and reply, a stats ticker, three threads of its own calling io.run()), wrapped in a probe
// with its flight recorder on, under load from client threads that reconnect now and
// then. The tab shows the window's last few milliseconds with the busiest session selected.
//   ./viewer_timeline_screenshot docs/images/timeline.png
#include <pthread.h>

#include <QApplication>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "coroscope/coroscope.hpp"
#include "pages/timelinepage.hpp"
#include "timeline/timelineview.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using coroscope::timeline;
using coroscope::viewer::TimelinePage;

namespace {

void spin_for(std::chrono::microseconds d) {
  const auto end = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < end) {
  }
}

asio::awaitable<void> session(tcp::socket socket) {
  asio::steady_timer backend(socket.get_executor());
  char request[64];
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(request),
                                                   asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    spin_for(40us);  // parse
    backend.expires_after(250us);
    co_await backend.async_wait(asio::use_awaitable);
    spin_for(15us);  // render the reply
    co_await asio::async_write(socket, asio::buffer(request, n), asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> listener(tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    asio::co_spawn(socket.get_executor(), session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> stats_ticker(const std::atomic<bool>& stop) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!stop.load()) {
    timer.expires_after(1ms);
    co_await timer.async_wait(asio::use_awaitable);
    spin_for(20us);
  }
}

// Blocking client: 64-byte requests, a new connection every 25 of them.
void client(tcp::endpoint server, const std::atomic<bool>& stop) {
  asio::io_context io;
  char buffer[64] = {};
  while (!stop.load()) {
    tcp::socket socket(io);
    boost::system::error_code ec;
    socket.connect(server, ec);
    for (int i = 0; i < 25 && !ec && !stop.load(); ++i) {
      asio::write(socket, asio::buffer(buffer), ec);
      if (!ec) asio::read(socket, asio::buffer(buffer), ec);
    }
  }
}

// Half a second of the server under load; the recorder's last 300 ms.
std::shared_ptr<timeline> recordRealWindow() {
  asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "10s"}};
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  std::atomic<bool> stop{false};
  asio::co_spawn(io, listener(acceptor), asio::detached);
  asio::co_spawn(io, stats_ticker(stop), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i)
    threads.emplace_back([&io, i] {
      pthread_setname_np(pthread_self(), ("server-" + std::to_string(i)).c_str());
      io.run();
    });
  std::vector<std::thread> clients;
  for (int i = 0; i < 6; ++i) clients.emplace_back(client, acceptor.local_endpoint(), std::cref(stop));
  std::this_thread::sleep_for(500ms);
  std::optional<timeline> window = probe.trace_window(300ms);
  stop = true;
  for (auto& c : clients) c.join();
  acceptor.close();
  io.stop();
  for (auto& t : threads) t.join();
  if (!window) return nullptr;
  return std::make_shared<timeline>(std::move(*window));
}

// The task with the most polls from `from` on (a session, as the listener rarely runs).
std::uint64_t busiestTask(const timeline& t, std::uint64_t from) {
  std::map<std::uint64_t, int> polls;
  for (const auto& p : t.polls)
    if (p.begin_ns >= from) ++polls[p.task_id];
  std::uint64_t best = 0;
  int most = -1;
  for (const auto& [task, n] : polls)
    if (n > most) best = task, most = n;
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.png\n", argv[0]);
    return 2;
  }
  const std::shared_ptr<timeline> window = recordRealWindow();
  if (!window || window->polls.empty()) {
    std::fprintf(stderr, "the flight recorder gave no window\n");
    return 1;
  }
  constexpr std::uint64_t kShownNs = 4'000'000;
  const std::uint64_t from = window->end_ns > kShownNs ? window->end_ns - kShownNs : window->begin_ns;
  TimelinePage page;
  page.setRefreshInterval(0);
  page.resize(1200, 170);
  page.setTimeline(window);
  page.view()->setVisibleRange(from, window->end_ns);
  page.view()->selectTask(busiestTask(*window, from));
  page.show();
  return page.grab().save(QString::fromLocal8Bit(argv[1])) ? 0 : 1;
}
