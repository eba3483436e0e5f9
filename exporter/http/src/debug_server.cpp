// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/debug_server.hpp>

#include "bearer_auth.hpp"
#include "cloexec_io.hpp"
#include "listen_address.hpp"
#include "query_string.hpp"

#include <coroscope/base/env_error_line.hpp>
#include <coroscope/flamegraph.hpp>
#include <coroscope/pprof.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <cstdlib>
#include <exception>
#include <list>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <thread>

namespace coroscope {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using response = http::response<http::string_body>;
using request = http::request<http::string_body>;

namespace {

constexpr std::string_view index_html = R"(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>/debug/pprof/</title></head>
<body><h1>/debug/pprof/</h1>
<p>coroscope debug endpoints (Go's net/http/pprof convention).</p>
<ul>
<li><a href="/debug/pprof/profile?seconds=30">profile</a>: CPU profile, gzipped pprof; <code>?seconds=N</code> (default 30). Try <code>go tool pprof http://HOST/debug/pprof/profile?seconds=10</code>.</li>
<li><a href="/debug/pprof/flamegraph?seconds=30">flamegraph</a>: CPU flamegraph as interactive SVG; <code>?seconds=N</code>.</li>
<li><a href="/debug/pprof/heap">heap</a>: heap profile, pprof (when heap profiling is on: link <code>coroscope::heap</code> and set <code>COROSCOPE_HEAP_PROFILE</code>).</li>
<li><a href="/debug/coroscope/tasks">tasks</a>: tasks, workers, await sites and warnings, JSON; <code>?stacks=1</code> adds each task's async stack.</li>
<li><a href="/debug/coroscope/dump">dump</a>: where every task waits (its chain of coroutines, leaf first), text.</li>
<li><a href="/debug/coroscope/trace">trace</a>: the flight recorder's window as a Perfetto trace (open it in ui.perfetto.dev); <code>?seconds=N</code> for its last N seconds (when <code>COROSCOPE_FLIGHT_RECORDER</code> is set).</li>
<li><a href="/metrics">metrics</a>: runtime metrics, Prometheus text format.</li>
</ul>
<p>One CPU profile or flamegraph request runs at a time.</p>
</body></html>
)";

response text_response(http::status status, std::string text) {
  response res{status, 11};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.set("X-Content-Type-Options", "nosniff");
  if (text.empty() || text.back() != '\n') text += '\n';
  res.body() = std::move(text);
  return res;
}

response body_response(std::string_view content_type, std::string body) {
  response res{http::status::ok, 11};
  res.set(http::field::content_type, content_type);
  res.set("X-Content-Type-Options", "nosniff");
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  return res;
}

constexpr std::string_view recorder_off =
    "the flight recorder is off: set COROSCOPE_FLIGHT_RECORDER (e.g. 30s or 30s,64MiB) or "
    "probe_options::flight_recorder";

constexpr std::string_view heap_off =
    "heap profiling is not enabled in this process: link coroscope::heap and set "
    "COROSCOPE_HEAP_PROFILE=heap.pb.gz";

/// How long `stop()` lets requests in progress finish before it drops them.
constexpr auto shutdown_grace = std::chrono::seconds(1);

/// Pause after an accept error such as EMFILE: the pending connection stays readable, so
/// retrying at once would spin.
constexpr auto accept_error_pause = std::chrono::milliseconds(100);

}  // namespace

/// One client connection. Owned by its `serve` coroutine, listed in `connections_` so
/// that a full server can close the one that has waited longest for its request and a
/// stopping one can close the idle ones. I/O thread only.
struct debug_connection {
  explicit debug_connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  /// Set while waiting for (the rest of) a request: such a connection may be closed.
  std::optional<std::chrono::steady_clock::time_point> awaiting_request_since;
  bool evicted = false;    ///< closed to make room; no longer counted
  bool peer_gone = false;  ///< the client hung up while its request was being served
  char peek_byte = 0;      ///< target of the hang-up watch (MSG_PEEK: nothing is consumed)
};

debug_server_options debug_server_options::from_environment() {
  debug_server_options o;
  if (const char* v = std::getenv("COROSCOPE_HTTP")) o.address = v;
  if (const char* v = std::getenv("COROSCOPE_HTTP_TOKEN")) o.token = v;
  return o;
}

/// Threading: `io_` runs on `io_thread_` and does all socket work (accept, read, write)
/// in one coroutine per connection; `connections_`, `live_`, the profile slot and
/// `stopping_` are only touched there. Callbacks run on `pool_` (two threads) so a
/// minute-long profile leaves the other thread for /metrics.
struct debug_server::impl {
  // Declared before io_: destroying io_ destroys suspended connection coroutines, whose
  // cleanup still touches connections_.
  debug_server_options options;
  debug_sources sources;
  std::list<debug_connection> connections_;
  std::size_t live_ = 0;  ///< connections not evicted
  bool profiling_ = false;
  std::optional<std::stop_source> profile_stop_;  ///< the running profile's
  bool stopping_ = false;
  bool stopped_ = false;  ///< stop() was called (the caller's thread)
  bool joined_ = false;   ///< the I/O thread is gone: cleanup must not touch the timers
  tcp::endpoint local_;
  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  asio::steady_timer grace_{io_};
  asio::thread_pool pool_{2};
  std::thread io_thread_;

  impl(debug_server_options o, debug_sources s) : options(std::move(o)), sources(std::move(s)) {}

  void listen();
  asio::awaitable<void> accept_loop();
  bool evict_longest_waiting();
  asio::awaitable<void> serve(std::list<debug_connection>::iterator self);
  void connection_done(std::list<debug_connection>::iterator self);
  asio::awaitable<response> handle(const request& req, debug_connection& conn);
  asio::awaitable<response> run_callback(std::function<response()>&& work);
  asio::awaitable<response> cpu_endpoint(std::string_view query, bool flamegraph,
                                         debug_connection& conn);
  void watch_for_hang_up(debug_connection& conn, std::stop_source stop);
  void begin_shutdown();
};

void debug_server::impl::listen() {
  const base::host_port where = detail::parse_listen_address(options.address);
  boost::system::error_code ec;
  tcp::resolver resolver{io_};
  auto results = resolver.resolve(where.host, std::to_string(where.port),
                                  tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    throw std::invalid_argument("COROSCOPE_HTTP=" + env::quoted(options.address) +
                                ": cannot resolve " + env::quoted(where.host) + ": " + ec.message());
  const tcp::endpoint endpoint = results.begin()->endpoint();
  if (!endpoint.address().is_loopback() && options.token.empty())
    throw std::invalid_argument("COROSCOPE_HTTP=" + env::quoted(options.address) +
                                " listens beyond loopback: set COROSCOPE_HTTP_TOKEN to require a "
                                "bearer token, or use 127.0.0.1");
  auto fail = [&](const char* what) {
    throw std::runtime_error("COROSCOPE_HTTP='" + options.address + "': cannot " + what + ": " +
                             ec.message());
  };
  detail::open_acceptor_cloexec(acceptor_, endpoint.protocol(), ec);
  if (ec) fail("open a socket");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) fail("set SO_REUSEADDR");
  acceptor_.bind(endpoint, ec);
  if (ec) fail("listen");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen");
  local_ = acceptor_.local_endpoint(ec);
  if (ec) fail("listen");
}

asio::awaitable<void> debug_server::impl::accept_loop() {
  asio::steady_timer pause{io_};
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await detail::async_accept_cloexec(acceptor_, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || stopping_ || !acceptor_.is_open()) co_return;
    if (ec) {  // out of descriptors, or memory: keep serving the connections we have
      pause.expires_after(accept_error_pause);
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (live_ >= options.max_connections && !evict_longest_waiting()) {
      socket.close(ec);  // bounded memory: no queue of waiting connections
      continue;
    }
    ++live_;
    auto self = connections_.emplace(connections_.end(), std::move(socket));
    asio::co_spawn(io_, serve(self), asio::detached);
  }
}

bool debug_server::impl::evict_longest_waiting() {
  debug_connection* oldest = nullptr;
  for (debug_connection& c : connections_)
    if (!c.evicted && c.awaiting_request_since &&
        (oldest == nullptr || *c.awaiting_request_since < *oldest->awaiting_request_since))
      oldest = &c;
  if (oldest == nullptr) return false;
  oldest->evicted = true;
  --live_;
  oldest->stream.close();  // its read ends with operation_aborted; its coroutine cleans up
  return true;
}

void debug_server::impl::connection_done(std::list<debug_connection>::iterator self) {
  if (!self->evicted) --live_;
  connections_.erase(self);
  // The last connection of a stopping server: nothing left to wait for.
  if (stopping_ && !joined_ && connections_.empty()) grace_.cancel();
}

asio::awaitable<void> debug_server::impl::serve(std::list<debug_connection>::iterator self) {
  struct release {
    impl& server;
    std::list<debug_connection>::iterator it;
    ~release() { server.connection_done(it); }
  } cleanup{*this, self};
  debug_connection& conn = *self;
  beast::tcp_stream& stream = conn.stream;
  beast::flat_buffer buffer{options.max_header_bytes + options.max_body_bytes};
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    boost::system::error_code ec;
    conn.awaiting_request_since = std::chrono::steady_clock::now();
    stream.expires_after(options.request_timeout);
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    conn.awaiting_request_since.reset();
    if (conn.evicted || ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset)
      break;
    std::optional<response> res;
    bool keep_alive = false;
    if (ec == http::error::header_limit) {
      res = text_response(http::status::request_header_fields_too_large,
                          "request header larger than " + std::to_string(options.max_header_bytes) +
                              " bytes");
    } else if (ec == http::error::body_limit) {
      res = text_response(http::status::payload_too_large,
                          "request body larger than " + std::to_string(options.max_body_bytes) +
                              " bytes");
    } else if (ec) {
      res = text_response(http::status::bad_request, "malformed request: " + ec.message());
    } else {
      request req = parser.release();
      keep_alive = req.keep_alive();
      res = co_await handle(req, conn);
    }
    if (conn.peer_gone) break;  // nobody to answer
    keep_alive = keep_alive && !stopping_;
    res->keep_alive(keep_alive);
    res->prepare_payload();
    stream.expires_after(options.io_timeout);
    co_await http::async_write(stream, *res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keep_alive) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// Not a coroutine itself, and callers pass a named std::function: GCC 12 destroys
// by-value coroutine parameters and temporaries inside a co_await expression twice when
// they were moved from (a double free seen under valgrind).
asio::awaitable<response> debug_server::impl::run_callback(std::function<response()>&& work) {
  // Runs on the pool; the awaiting coroutine resumes on the I/O thread afterwards.
  return asio::co_spawn(
      pool_,
      [work = std::move(work)]() -> asio::awaitable<response> {
        try {
          co_return work();
        } catch (const std::exception& e) {
          co_return text_response(http::status::internal_server_error, e.what());
        } catch (...) {
          co_return text_response(http::status::internal_server_error, "unknown error");
        }
      },
      asio::use_awaitable);
}

// Runs on the I/O thread while a profile is taken: a client that closes its end (or
// resets it) has given up, so its profile is stopped and the slot freed. Peeking takes
// nothing from the socket; a pipelined request just ends the watch.
void debug_server::impl::watch_for_hang_up(debug_connection& conn, std::stop_source stop) {
  conn.stream.socket().async_receive(
      asio::buffer(&conn.peek_byte, 1), tcp::socket::message_peek,
      [&conn, stop](boost::system::error_code ec, std::size_t) mutable {
        // Cancelled: the profile is done and `conn` may be gone already.
        if (ec == asio::error::operation_aborted || !ec) return;
        conn.peer_gone = true;
        stop.request_stop();
      });
}

asio::awaitable<response> debug_server::impl::cpu_endpoint(std::string_view query, bool flamegraph,
                                                           debug_connection& conn) {
  if (!sources.cpu_profile)
    co_return text_response(http::status::not_found, "CPU profiling is not available in this process");
  auto seconds = detail::parse_profile_seconds(detail::query_value(query, "seconds"),
                                               options.default_profile_seconds,
                                               options.max_profile_seconds);
  if (!seconds.error.empty()) co_return text_response(http::status::bad_request, seconds.error);
  if (profiling_)
    co_return text_response(http::status::conflict,
                            "a CPU profile is already being taken; try again when it is done");
  if (stopping_) co_return text_response(http::status::service_unavailable, "the server is stopping");
  // The slot is held until the callback has returned, however this coroutine ends.
  struct profile_slot {
    impl& server;
    ~profile_slot() {
      server.profiling_ = false;
      server.profile_stop_.reset();
    }
  } slot{*this};
  profiling_ = true;
  std::stop_source stop;
  profile_stop_ = stop;
  watch_for_hang_up(conn, stop);
  std::function<response()> work = [this, flamegraph, secs = seconds.seconds, token = stop.get_token()] {
    cpu_profile profile = sources.cpu_profile(secs, token);
    if (token.stop_requested()) return response{};  // not sent: answered by the caller
    if (flamegraph) {
      flamegraph_options fo;
      fo.title = "CPU flamegraph (" + std::to_string(secs.count()) + " s)";
      return body_response("image/svg+xml", render_flamegraph_svg(profile, fo));
    }
    response res = body_response("application/octet-stream", encode_pprof(profile));
    res.set(http::field::content_disposition, "attachment; filename=\"profile.pb.gz\"");
    return res;
  };
  response res = co_await run_callback(std::move(work));
  boost::system::error_code ignored;
  conn.stream.socket().cancel(ignored);  // ends the hang-up watch
  if (stop.stop_requested() && !conn.peer_gone)
    co_return text_response(http::status::service_unavailable,
                            "the server is stopping: the CPU profile was cancelled");
  co_return res;
}

asio::awaitable<response> debug_server::impl::handle(const request& req, debug_connection& conn) {
  if (!options.token.empty() && !detail::bearer_matches(req[http::field::authorization], options.token)) {
    response res = text_response(http::status::unauthorized,
                                 "missing or wrong bearer token (send Authorization: Bearer <token>)");
    res.set(http::field::www_authenticate, "Bearer realm=\"coroscope\"");
    co_return res;
  }
  if (req.method() != http::verb::get) {
    response res = text_response(http::status::method_not_allowed,
                                 "method " + std::string(req.method_string()) + " not allowed; use GET");
    res.set(http::field::allow, "GET");
    co_return res;
  }
  const auto [path, query] = detail::split_request_target(req.target());
  if (path == "/debug/pprof/" || path == "/debug/pprof")
    co_return body_response("text/html; charset=utf-8", std::string(index_html));
  if (path == "/debug/pprof/profile") co_return co_await cpu_endpoint(query, false, conn);
  if (path == "/debug/pprof/flamegraph") co_return co_await cpu_endpoint(query, true, conn);
  if (path == "/metrics") {
    if (!sources.metrics_text) co_return text_response(http::status::not_found, "metrics are not available");
    std::function<response()> work = [&fn = sources.metrics_text] {
      return body_response("text/plain; version=0.0.4; charset=utf-8", fn());
    };
    co_return co_await run_callback(std::move(work));
  }
  if (path == "/debug/coroscope/tasks") {
    if (!sources.tasks_json) co_return text_response(http::status::not_found, "the task list is not available");
    const bool stacks = detail::query_value(query, "stacks") == "1" && sources.tasks_json_with_stacks;
    std::function<response()> work = [&fn = stacks ? sources.tasks_json_with_stacks : sources.tasks_json] {
      return body_response("application/json", fn());
    };
    co_return co_await run_callback(std::move(work));
  }
  if (path == "/debug/coroscope/dump") {
    if (!sources.task_dump_text) co_return text_response(http::status::not_found, "task dumps are not available");
    std::function<response()> work = [&fn = sources.task_dump_text] {
      return body_response("text/plain; charset=utf-8", fn());
    };
    co_return co_await run_callback(std::move(work));
  }
  if (path == "/debug/coroscope/trace") {
    if (!sources.trace) co_return text_response(http::status::not_found, std::string(recorder_off));
    // No seconds: the whole window (0). The cap only rejects nonsense; the window is
    // bounded by the recorder's own bounds.
    auto seconds = detail::parse_profile_seconds(detail::query_value(query, "seconds"),
                                                 std::chrono::seconds(0), std::chrono::hours(24));
    if (!seconds.error.empty()) co_return text_response(http::status::bad_request, seconds.error);
    std::function<response()> work = [&fn = sources.trace, secs = seconds.seconds] {
      std::optional<std::string> trace = fn(secs);
      if (!trace) return text_response(http::status::not_found, std::string(recorder_off));
      response res = body_response("application/octet-stream", *std::move(trace));
      res.set(http::field::content_disposition, "attachment; filename=\"coroscope.perfetto-trace\"");
      return res;
    };
    co_return co_await run_callback(std::move(work));
  }
  if (path == "/debug/pprof/heap") {
    if (!sources.heap_profile) co_return text_response(http::status::not_found, std::string(heap_off));
    std::function<response()> work = [&fn = sources.heap_profile] {
      std::optional<std::string> pprof = fn();
      if (!pprof) return text_response(http::status::not_found, std::string(heap_off));
      response res = body_response("application/octet-stream", *std::move(pprof));
      res.set(http::field::content_disposition, "attachment; filename=\"heap.pb.gz\"");
      return res;
    };
    co_return co_await run_callback(std::move(work));
  }
  co_return text_response(http::status::not_found,
                          "no such endpoint: " + std::string(path.substr(0, 200)) +
                              " (see /debug/pprof/)");
}

debug_server::debug_server(debug_server_options options, debug_sources sources)
    : impl_(std::make_unique<impl>(std::move(options), std::move(sources))) {
  impl_->listen();
  asio::co_spawn(impl_->io_, impl_->accept_loop(), asio::detached);
  impl_->io_thread_ = std::thread([io = &impl_->io_] { io->run(); });
}

debug_server::~debug_server() { stop(); }

unsigned short debug_server::port() const noexcept { return impl_->local_.port(); }

std::string debug_server::local_address() const {
  const tcp::endpoint& ep = impl_->local_;
  const std::string host = ep.address().to_string();
  return (ep.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(ep.port());
}

void debug_server::impl::begin_shutdown() {
  stopping_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  if (profile_stop_) profile_stop_->request_stop();
  for (debug_connection& c : connections_)
    if (c.awaiting_request_since) c.stream.close();  // idle: nothing to answer
  if (connections_.empty()) return;  // io_ runs out of work
  grace_.expires_after(shutdown_grace);
  grace_.async_wait([this](boost::system::error_code ec) {
    if (!ec) io_.stop();  // requests still running are dropped with io_
  });
}

void debug_server::stop() {
  if (!impl_ || impl_->stopped_) return;
  impl_->stopped_ = true;
  asio::post(impl_->io_, [impl = impl_.get()] { impl->begin_shutdown(); });
  if (impl_->io_thread_.joinable()) impl_->io_thread_.join();
  impl_->joined_ = true;
  // A callback still running finishes first; a reply it makes is discarded with io_.
  impl_->pool_.join();
}

}  // namespace coroscope
