// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Servers written in plain Asio and Beast style, as services are, with no coroscope call
// but the probe on their io_context: every coroutine must be a task (with its parent and
// its coroutine's name) and every thread that runs the io_context a worker. Each program
// counts its own coroutines' resumptions; the probe's poll counts must match them.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <latch>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "coroscope/coroscope.hpp"
#include "snapshot_lookup.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

std::vector<const coroscope::task_info*> tasks_named(const coroscope::snapshot& s,
                                                     std::string_view name) {
  std::vector<const coroscope::task_info*> out;
  for (const auto& t : s.tasks)
    if (t.name == name) out.push_back(&t);
  return out;
}

/// Runs `io` on `n` threads of the program's own, as services do; joins them on stop().
/// Returns once each thread has run a handler (one each, waiting for all the others), so
/// every one of them is known to be running the io_context.
class own_threads {
 public:
  own_threads(asio::io_context& io, unsigned n)
      : io_(io), guard_(io.get_executor()), all_running_(n) {
    for (unsigned i = 0; i < n; ++i) asio::post(io, [this] { all_running_.arrive_and_wait(); });
    for (unsigned i = 0; i < n; ++i) threads_.emplace_back([&io] { io.run(); });
    all_running_.wait();
  }
  ~own_threads() { stop(); }
  void stop() {
    guard_.reset();
    io_.stop();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  asio::io_context& io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  // A member, not a local of the constructor: a handler may still be inside
  // arrive_and_wait after the count reached zero, until its thread is joined.
  std::latch all_running_;
  std::vector<std::thread> threads_;
};

// -- An HTTP server (Beast): sessions spawned on the acceptor's executor ------------------

awaitable<void> do_session(beast::tcp_stream stream, std::atomic<int>& requests,
                           std::latch& finished) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    const auto [ec, n] =
        co_await http::async_read(stream, buffer, request, asio::as_tuple(use_awaitable));
    if (ec) break;
    ++requests;
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.body() = "hello";
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    co_await http::async_write(stream, response, use_awaitable);
    if (!response.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  finished.count_down();
}

awaitable<void> do_listen(tcp::acceptor& acceptor, int sessions, std::atomic<int>& requests,
                          std::latch& finished) {
  for (int i = 0; i < sessions; ++i) {
    tcp::socket socket = co_await acceptor.async_accept(use_awaitable);
    asio::co_spawn(acceptor.get_executor(),
                   do_session(beast::tcp_stream(std::move(socket)), requests, finished),
                   asio::detached);
  }
}

void http_client(tcp::endpoint server, int requests) {
  asio::io_context io;  // the client is another program: no probe here
  beast::tcp_stream stream(io);
  stream.connect(server);
  beast::flat_buffer buffer;
  for (int i = 0; i < requests; ++i) {
    http::request<http::empty_body> request{http::verb::get, "/", 11};
    request.keep_alive(i + 1 < requests);
    http::write(stream, request);
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    ASSERT_EQ(response.body(), "hello");
  }
}

TEST(PlainServers, BeastSessionsOnTheAcceptorsExecutorAreTasksOfTheListener) {
  constexpr int kSessions = 4, kRequests = 5;
  asio::io_context io;
  coroscope::probe probe{io};
  tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
  std::atomic<int> requests{0};
  std::latch finished(kSessions);
  asio::co_spawn(io, do_listen(acceptor, kSessions, requests, finished), asio::detached);
  own_threads server(io, 2);
  std::vector<std::thread> clients;
  for (int i = 0; i < kSessions; ++i)
    clients.emplace_back(http_client, acceptor.local_endpoint(), kRequests);
  for (auto& c : clients) c.join();
  finished.wait();  // every session has seen its client go
  ASSERT_EQ(requests.load(), kSessions * kRequests);
  server.stop();  // every poll has ended
  const auto s = probe.snapshot();

  const auto listeners = tasks_named(s, "do_listen");
  const auto sessions = tasks_named(s, "do_session");
  ASSERT_EQ(listeners.size(), 1u);
  ASSERT_EQ(sessions.size(), static_cast<std::size_t>(kSessions));
  for (const auto* t : sessions) {
    EXPECT_EQ(t->parent_id, listeners[0]->id);
    // Each request: read and write resumed the coroutine; Beast's own intermediate
    // handlers count as polls of the session too.
    EXPECT_GE(t->polls, 2u * kRequests);
  }
  EXPECT_EQ(listeners[0]->parent_id, 0u);
  EXPECT_EQ(s.workers.size(), 2u);
  std::uint64_t worker_polls = 0;
  for (const auto& w : s.workers) worker_polls += w.polls;
  std::uint64_t task_polls = s.no_task.polls;
  for (const auto& t : s.tasks) task_polls += t.polls;
  EXPECT_GE(worker_polls, task_polls - s.no_task.polls);
  EXPECT_NE(listeners[0]->spawn_location.file.find("plain_servers_test.cpp"), std::string::npos);
}

// -- A chat server: reader and writer coroutines per connection on the socket's executor --

struct connection_counts {
  explicit connection_counts(std::latch& f) : finished(f) {}
  std::atomic<int> reader_resumptions{0};
  std::atomic<int> writer_resumptions{0};
  std::latch& finished;  // counted down by each reader and writer when it ends
};

// The reader wakes the writer through a timer used as a condition variable, as Asio's chat
// example does: the writer's wait is the writer's, whoever cancels it.
awaitable<void> reader(tcp::socket& socket, asio::steady_timer& wake, std::string& out,
                       connection_counts& counts) {
  ++counts.reader_resumptions;
  std::array<char, 64> buf;
  for (;;) {
    const auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), asio::as_tuple(use_awaitable));
    ++counts.reader_resumptions;
    if (ec) break;
    out.append(buf.data(), n);
    wake.cancel_one();
  }
  wake.cancel();
  counts.finished.count_down();
}

awaitable<void> writer(tcp::socket& socket, asio::steady_timer& wake, std::string& pending,
                       connection_counts& counts) {
  ++counts.writer_resumptions;
  while (socket.is_open()) {
    if (pending.empty()) {
      // Cancelled on purpose when there is something to write, so the error is expected.
      co_await wake.async_wait(asio::as_tuple(use_awaitable));
      ++counts.writer_resumptions;
      if (pending.empty()) break;  // the reader has gone
      continue;
    }
    const auto [ec, n] = co_await socket.async_write_some(asio::buffer(pending), asio::as_tuple(use_awaitable));
    ++counts.writer_resumptions;
    if (ec) break;
    pending.erase(0, n);
  }
  counts.finished.count_down();
}

struct chat_connection {
  chat_connection(tcp::socket s, std::latch& finished)
      : socket(std::move(s)),
        wake(socket.get_executor(), asio::steady_timer::time_point::max()),
        counts(finished) {}
  tcp::socket socket;
  asio::steady_timer wake;
  std::string pending;
  connection_counts counts;
};

awaitable<void> chat_listen(tcp::acceptor& acceptor,
                            std::vector<std::unique_ptr<chat_connection>>& connections, int clients,
                            std::latch& finished) {
  for (int i = 0; i < clients; ++i) {
    auto& c = *connections.emplace_back(std::make_unique<chat_connection>(
        co_await acceptor.async_accept(use_awaitable), finished));
    asio::co_spawn(c.socket.get_executor(), reader(c.socket, c.wake, c.pending, c.counts), asio::detached);
    asio::co_spawn(c.socket.get_executor(), writer(c.socket, c.wake, c.pending, c.counts), asio::detached);
  }
}

void echo_client(tcp::endpoint server, int messages) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(server);
  for (int i = 0; i < messages; ++i) {
    const std::string message = "message " + std::to_string(i) + "\n";
    asio::write(socket, asio::buffer(message));
    std::string echoed(message.size(), '\0');
    asio::read(socket, asio::buffer(echoed));
    ASSERT_EQ(echoed, message);
  }
}

TEST(PlainServers, ChatReaderAndWriterOnTheSocketsExecutorAreTasksWithExactPolls) {
  constexpr int kClients = 3, kMessages = 6;
  asio::io_context io;
  coroscope::probe probe{io, {.timing_interval = 1}};  // every operation timed: all resources seen
  tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
  std::vector<std::unique_ptr<chat_connection>> connections;
  connections.reserve(kClients);
  std::latch finished(2 * kClients);
  asio::co_spawn(io, chat_listen(acceptor, connections, kClients, finished), asio::detached);
  own_threads server(io, 1);  // one thread: the connection state needs no strand
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) clients.emplace_back(echo_client, acceptor.local_endpoint(), kMessages);
  for (auto& c : clients) c.join();
  finished.wait();  // every reader and writer has ended
  server.stop();  // every poll has ended
  const auto s = probe.snapshot();

  const auto readers = tasks_named(s, "reader");
  const auto writers = tasks_named(s, "writer");
  const auto listeners = tasks_named(s, "chat_listen");
  ASSERT_EQ(listeners.size(), 1u);
  ASSERT_EQ(readers.size(), static_cast<std::size_t>(kClients));
  ASSERT_EQ(writers.size(), static_cast<std::size_t>(kClients));
  int reader_resumptions = 0, writer_resumptions = 0;
  for (const auto& c : connections) {
    reader_resumptions += c->counts.reader_resumptions;
    writer_resumptions += c->counts.writer_resumptions;
  }
  std::uint64_t reader_polls = 0, writer_polls = 0;
  for (const auto* t : readers) {
    EXPECT_EQ(t->parent_id, listeners[0]->id);
    reader_polls += t->polls;
  }
  for (const auto* t : writers) {
    EXPECT_EQ(t->parent_id, listeners[0]->id);
    writer_polls += t->polls;
  }
  EXPECT_EQ(reader_polls, static_cast<std::uint64_t>(reader_resumptions));
  EXPECT_EQ(writer_polls, static_cast<std::uint64_t>(writer_resumptions));
  EXPECT_EQ(s.workers.size(), 1u);

  // Operations without annotations: every read a reader started, by kind, with its wait;
  // each connection's socket and timer as a resource.
  const auto kind = [&](std::string_view name) -> const coroscope::operation_kind_info* {
    for (const auto& k : s.operation_kinds)
      if (k.kind == name) return &k;
    return nullptr;
  };
  ASSERT_NE(kind("socket_read"), nullptr);
  EXPECT_EQ(kind("socket_read")->count, static_cast<std::uint64_t>(reader_resumptions - kClients));
  EXPECT_EQ(kind("socket_read")->waits.count, kind("socket_read")->count);
  ASSERT_NE(kind("timer_wait"), nullptr);
  ASSERT_NE(kind("socket_accept"), nullptr);
  EXPECT_EQ(kind("socket_accept")->count, static_cast<std::uint64_t>(kClients));
  std::size_t sockets = 0, timers = 0;
  for (const auto& r : s.resources) {
    if (r.kind == "socket" && r.native_handle >= 0) ++sockets;
    if (r.kind == "timer") ++timers;
    EXPECT_GT(r.timed_operations, 0u);
  }
  EXPECT_GE(sockets, static_cast<std::size_t>(kClients));  // and the listener's acceptor
  EXPECT_EQ(timers, static_cast<std::size_t>(kClients));
  for (const auto* t : readers) {
    bool reads = false;
    for (const auto& op : t->operations) reads |= op.kind == "socket_read" && op.count > 0;
    EXPECT_TRUE(reads);
  }
}

// -- A strand per connection, on two threads -------------------------------------------

awaitable<void> stranded_echo(tcp::socket socket, std::atomic<int>& resumptions,
                              std::latch& finished) {
  ++resumptions;
  std::array<char, 64> buf;
  for (;;) {
    const auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), asio::as_tuple(use_awaitable));
    ++resumptions;
    if (ec) break;
    co_await asio::async_write(socket, asio::buffer(buf, n), use_awaitable);
    ++resumptions;
  }
  finished.count_down();
}

awaitable<void> strand_listen(tcp::acceptor& acceptor, int clients, std::atomic<int>& resumptions,
                              std::latch& finished) {
  for (int i = 0; i < clients; ++i) {
    auto strand = asio::make_strand(acceptor.get_executor());
    tcp::socket socket = co_await acceptor.async_accept(strand, use_awaitable);
    asio::co_spawn(strand, stranded_echo(std::move(socket), resumptions, finished),
                   asio::detached);
  }
}

TEST(PlainServers, CoroutinesOnStrandsCountOnePollPerResumption) {
  constexpr int kClients = 3, kMessages = 6;
  asio::io_context io;
  coroscope::probe probe{io};
  tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
  std::atomic<int> resumptions{0};
  std::latch finished(kClients);
  asio::co_spawn(io, strand_listen(acceptor, kClients, resumptions, finished), asio::detached);
  own_threads server(io, 2);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) clients.emplace_back(echo_client, acceptor.local_endpoint(), kMessages);
  for (auto& c : clients) c.join();
  finished.wait();
  server.stop();  // every poll has ended
  const auto s = probe.snapshot();

  const auto sessions = tasks_named(s, "stranded_echo");
  ASSERT_EQ(sessions.size(), static_cast<std::size_t>(kClients));
  std::uint64_t polls = 0;
  for (const auto* t : sessions) polls += t->polls;
  // async_write is composed: its intermediate handler (when a write is partial) would be
  // a poll of its own; 64-byte writes on loopback complete at once.
  EXPECT_EQ(polls, static_cast<std::uint64_t>(resumptions.load()));
  EXPECT_EQ(s.workers.size(), 2u);
}

// -- A hop to another strand, whose completion finds the coroutine's strand busy --------

awaitable<void> hop_to(asio::strand<asio::io_context::executor_type> compute, int& resumptions) {
  ++resumptions;
  co_await asio::post(compute, use_awaitable);  // resumes on its own strand, not `compute`
  ++resumptions;
}

// The post's handler runs on `compute` and dispatches the continuation to the coroutine's
// own strand, which another thread holds: it is queued there, and the invocation on
// `compute` ran nothing of the task's (a type-erased handler). That is a wake; the poll is
// the queued continuation's (it was counted as a poll too: 3 for 2 resumptions).
TEST(PlainServers, AContinuationHandedToABusyStrandIsAWakeNotAPoll) {
  asio::io_context io;
  coroscope::probe probe{io};
  auto intake = asio::make_strand(io), compute = asio::make_strand(io);
  int resumptions = 0;
  asio::co_spawn(intake, hop_to(compute, resumptions), asio::detached);
  // Queued on `intake` behind the coroutine's start, after which `compute` holds the
  // post's handler: this holds `intake` until `compute` has run that handler too.
  std::latch compute_ran(1);
  asio::post(intake, [&] {
    asio::post(compute, [&] { compute_ran.count_down(); });
    compute_ran.wait();
  });
  std::thread other([&] { io.run(); });
  io.run();
  other.join();
  const auto s = probe.snapshot();

  const auto hops = tasks_named(s, "hop_to");
  ASSERT_EQ(hops.size(), 1u);
  ASSERT_EQ(resumptions, 2);
  EXPECT_EQ(hops[0]->polls, 2u);
}

// -- Threads of the program's own running the io_context every way Asio offers -----------

TEST(PlainServers, EveryThreadThatRunsTheIoContextIsAWorker) {
  asio::io_context io;
  coroscope::probe probe{io};
  constexpr int kThreads = 4, kPosts = 200;
  std::atomic<int> handled{0};
  thread_local int handled_here = 0;
  // One gate handler per thread, each waiting until all four threads hold one: every way
  // of running the io_context below runs at least one handler.
  std::latch gate(kThreads);
  for (int i = 0; i < kThreads; ++i)
    asio::post(io, [&] {
      gate.arrive_and_wait();
      ++handled_here;
      ++handled;
    });
  for (int i = 0; i < kPosts; ++i)
    asio::post(io, [&] {
      ++handled_here;
      ++handled;
    });
  constexpr int kTotal = kThreads + kPosts;
  std::vector<int> per_thread(kThreads);
  std::vector<std::thread> threads;
  const auto run_until_done = [&](int index, auto run_some) {
    threads.emplace_back([&, index, run_some] {
      while (handled < kTotal) run_some();
      per_thread[index] = handled_here;
    });
  };
  run_until_done(0, [&] { io.run(); });
  run_until_done(1, [&] { io.run_one_for(std::chrono::milliseconds(5)); });
  run_until_done(2, [&] { io.poll_one(); });
  run_until_done(3, [&] { io.poll(); });
  for (auto& t : threads) t.join();
  const auto s = probe.snapshot();

  ASSERT_EQ(s.workers.size(), static_cast<std::size_t>(kThreads));
  std::vector<int> worker_polls;
  for (const auto& w : s.workers) worker_polls.push_back(static_cast<int>(w.polls));
  std::sort(worker_polls.begin(), worker_polls.end());
  std::sort(per_thread.begin(), per_thread.end());
  EXPECT_EQ(worker_polls, per_thread);
  EXPECT_EQ(s.no_task.polls, static_cast<std::uint64_t>(kTotal));  // posted outside any task
}

// -- Completion handlers that are not coroutines -------------------------------------------

awaitable<void> posts_callbacks(int n, std::atomic<int>& ran) {
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < n; ++i) asio::post(ex, [&ran] { ++ran; });
  asio::steady_timer timer(ex, std::chrono::milliseconds(1));
  co_await timer.async_wait(use_awaitable);
}

TEST(PlainServers, CallbacksCountAsPollsOfTheTaskThatStartedThem) {
  asio::io_context io;
  coroscope::probe probe{io};
  std::atomic<int> ran{0}, outside{0};
  constexpr int kCallbacks = 7, kOutside = 5;
  asio::co_spawn(io, posts_callbacks(kCallbacks, ran), asio::detached);
  for (int i = 0; i < kOutside; ++i) asio::post(io, [&outside] { ++outside; });
  io.run();
  ASSERT_EQ(ran.load(), kCallbacks);
  const auto s = probe.snapshot();
  const auto tasks = tasks_named(s, "posts_callbacks");
  ASSERT_EQ(tasks.size(), 1u);
  // Start, the timer, and every callback it posted.
  EXPECT_EQ(tasks[0]->polls, 2u + kCallbacks);
  EXPECT_EQ(s.no_task.polls, static_cast<std::uint64_t>(kOutside));
  EXPECT_EQ(tasks[0]->state, coroscope::task_state::completed);
}

// Callback code outside any task: its operations count in the totals by kind.
TEST(PlainServers, OperationsStartedOutsideAnyTaskCountByKind) {
  asio::io_context io;
  coroscope::probe probe{io};
  constexpr int kWaits = 6;
  asio::steady_timer timer(io);
  int fired = 0;
  std::function<void()> wait_again = [&] {
    timer.expires_after(std::chrono::microseconds(10));
    timer.async_wait([&](boost::system::error_code) {
      if (++fired < kWaits) wait_again();
    });
  };
  asio::post(io, wait_again);  // from main, before any worker: not counted
  io.run();
  ASSERT_EQ(fired, kWaits);
  const auto s = probe.snapshot();
  std::uint64_t waits = 0;
  for (const auto& k : s.operation_kinds)
    if (k.kind == "timer_wait") waits = k.count;
  EXPECT_EQ(waits, static_cast<std::uint64_t>(kWaits));
  EXPECT_TRUE(s.tasks.empty());
}

awaitable<int> awaited_child() {
  co_await asio::post(use_awaitable);
  co_return 7;
}

awaitable<void> awaits_a_spawn(int& got) {
  auto ex = co_await asio::this_coro::executor;
  got = co_await asio::co_spawn(ex, awaited_child(), use_awaitable);  // the child's site
}

// A coroutine spawned inside the initiation of its parent's await (`co_await co_spawn(...,
// use_awaitable)`): the native stack then holds no frame of the program's, only Asio's
// and the run loop's caller (this test's body); the child's site is the coroutine that
// awaits it.
TEST(PlainServers, ASpawnAwaitedByItsParentHasTheParentsAwaitAsItsSite) {
  asio::io_context io;
  coroscope::probe probe{io};
  int got = 0;
  asio::co_spawn(io, awaits_a_spawn(got), asio::detached);
  io.run();
  ASSERT_EQ(got, 7);
  const auto s = probe.snapshot();
  const auto children = tasks_named(s, "awaited_child");
  const auto parents = tasks_named(s, "awaits_a_spawn");
  ASSERT_EQ(children.size(), 1u);
  ASSERT_EQ(parents.size(), 1u);
  EXPECT_EQ(children[0]->parent_id, parents[0]->id);
  EXPECT_NE(children[0]->spawn_location.file.find("plain_servers_test.cpp"), std::string::npos);
  EXPECT_EQ(children[0]->spawn_location.function, "awaits_a_spawn");
}

awaitable<void> spawned_leaf() { co_await asio::post(use_awaitable); }

constexpr int kLeafSpawnLine = __LINE__ + 2;  // the co_spawn below
awaitable<void> spawns_while_starting() {
  asio::co_spawn(co_await asio::this_coro::executor, spawned_leaf(), asio::detached);
  co_await asio::post(use_awaitable);
}

awaitable<void> spawns_a_spawner() {
  asio::co_spawn(co_await asio::this_coro::executor, spawns_while_starting(), asio::detached);
  co_await asio::post(use_awaitable);
}

// A coroutine spawned from a running one starts inline, inside co_spawn's own initiation;
// what it spawns before it first waits has the line that spawned it as its site, from the
// native stack, which holds that coroutine's frame.
TEST(PlainServers, ASpawnFromACoroutineStartingInlineHasItsLineAsItsSite) {
  asio::io_context io;
  coroscope::probe probe{io};
  asio::co_spawn(io, spawns_a_spawner(), asio::detached);
  io.run();
  const auto s = probe.snapshot();
  const auto leaves = tasks_named(s, "spawned_leaf");
  ASSERT_EQ(leaves.size(), 1u);
  EXPECT_EQ(leaves[0]->spawn_location.function, "spawns_while_starting");
  EXPECT_EQ(leaves[0]->spawn_location.line, static_cast<std::uint32_t>(kLeafSpawnLine));
}

}  // namespace
