// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/console_server.hpp"

#include <pthread.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <atomic>
#include <cstdio>
#include <deque>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "cloexec_io.hpp"
#include "coroscope/console/change_predicates.hpp"
#include "coroscope/console/frame_codec.hpp"
#include "coroscope/console/proto_conversions.hpp"
#include "coroscope/console/timeline_conversions.hpp"
#include <coroscope/base/constant_time.hpp>

namespace coroscope {
namespace detail {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
namespace pb = console::v1;
using frame_ptr = std::shared_ptr<const std::string>;

frame_ptr make_frame(const pb::ServerMessage& m) {
  return std::make_shared<const std::string>(console::detail::frame_of(m));
}

/// What a queued frame costs beyond its bytes: make_shared's block (control block and
/// std::string), the string buffer's malloc header and rounding, the queue slot. A
/// 40-byte error reply takes about 160 bytes; counting only the 40 let a console that
/// floods requests hold 4 times `max_queued_bytes`.
constexpr std::size_t kQueuedFrameOverhead = 128;

std::size_t charge_of(const std::string& frame) { return frame.capacity() + kQueuedFrameOverhead; }

/// A dropped connection that held at least this much may leave it in malloc's free lists.
constexpr std::size_t kTrimAfterBytes = 1u << 20;

/// Hands memory malloc holds free back to the system; false where that is not possible.
/// Freed frames are many small blocks between longer-lived ones: without this glibc
/// keeps the pages, and six flooding consoles left 800 MB of RSS behind. Runs on the
/// console thread after a large queue is dropped; it takes each arena's lock in turn.
bool trim_freed_memory() {
#if defined(__GLIBC__)
  ::malloc_trim(0);
  return true;
#else
  return false;
#endif
}

void log_line(const std::string& peer, const std::string& what) {
  std::fprintf(stderr, "coroscope console: %s: %s\n", peer.c_str(), what.c_str());
}

using site_key = std::tuple<std::string_view, std::string_view, std::uint32_t>;
site_key key_of(const await_site_info& a) { return {a.name, a.file, a.line}; }

}  // namespace

class console_connection;

/// Owns the io_context and its thread; everything below runs on that thread.
class console_server_impl {
 public:
  console_server_impl(console_source source, console_options options);
  ~console_server_impl() { stop(); }

  void stop();
  std::uint16_t port() const noexcept { return port_; }
  console_server_stats stats() const;

  // Used by connections (server thread only).
  const console_options& options() const { return options_; }
  const console_source& source() const { return source_; }
  frame_ptr hello_frame() const { return hello_frame_; }
  frame_ptr full_state_frame();
  /// The reply to a console's TimelineRequest, `after` its cursor: at its first (a
  /// default cursor) the source's whole window, taken afresh at most once per
  /// `timeline_interval`; then only what was recorded after its last reply.
  frame_ptr timeline_frame(timeline_cursor& after);
  /// The reply to a TraceRequest: a trace written by the source, at most once per
  /// `trace_interval` from the end of the last attempt (sooner, its reply again).
  frame_ptr trace_frame();
  void remove(const std::shared_ptr<console_connection>& c);

  std::atomic<std::uint64_t> slow_disconnects{0}, bad_frames{0}, refused{0}, requests{0},
      memory_trims{0};
  std::atomic<std::size_t> paused_clients{0}, throttled_clients{0}, queued_bytes{0};

 private:
  void accept();
  void schedule_publish();
  void publish();
  void fill_update(const snapshot* previous, const snapshot& current, pb::Update* out) const;
  /// Adds the heap view to `update` when its interval has come and it changed.
  void refresh_heap(pb::Update* update);

  console_source source_;
  console_options options_;
  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  asio::steady_timer timer_{io_};
  std::uint16_t port_ = 0;
  std::set<std::shared_ptr<console_connection>> connections_;
  frame_ptr hello_frame_;
  snapshot last_;
  std::uint64_t sequence_ = 0;
  frame_ptr full_frame_;  ///< full state of last_, built on demand
  frame_ptr timeline_frame_;  ///< the last whole window sent
  timeline_cursor timeline_frame_end_;  ///< where it ends
  std::chrono::steady_clock::time_point timeline_taken_{};
  frame_ptr trace_frame_;  ///< the reply to the last TraceRequest that asked the source
  std::chrono::steady_clock::time_point trace_taken_{};
  std::optional<heap_view> heap_;  ///< the last heap view sent
  std::uint64_t heap_every_ = 1;   ///< publish ticks per heap refresh
  std::uint64_t ticks_since_heap_ = 0;
  std::atomic<std::size_t> clients_{0};
  std::atomic<std::uint64_t> accepted_{0}, published_{0};
  std::thread thread_;
  std::atomic<bool> stopped_{false};
  bool shutting_down_ = false;  ///< io thread only
};

/// One console connection. Reads requests, queues frames, writes them one at a time.
///
/// What it may cost is bounded: the queue as charged (`charge_of`) up to
/// `max_queued_bytes`, of which at most `max_queued_replies` answer its own requests
/// (beyond that it is not read until the console takes its replies), the read buffer and
/// the decoder's partial frame.
class console_connection : public std::enable_shared_from_this<console_connection> {
 public:
  console_connection(console_server_impl& server, tcp::socket socket)
      : server_(server), socket_(std::move(socket)) {
    boost::system::error_code ec;
    const auto ep = socket_.remote_endpoint(ec);
    peer_ = ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  void start() {
    // A console that connects and says nothing must not hold a slot forever.
    hello_timer_.expires_after(server_.options().hello_timeout);
    hello_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec && !self->ready_ && !self->closed_ && !self->closing_)
        self->refuse(pb::Error::CODE_BAD_REQUEST, "no ClientHello in time");
    });
    read();
  }
  bool live() const { return ready_ && !paused_ && !closed_ && !closing_; }

  /// Queues `frame`; a queue over the limit drops the connection as a slow client.
  /// `reply`: the frame answers one of this console's own requests.
  void send(frame_ptr frame, bool reply = false) {
    if (closed_ || closing_) return;
    const std::size_t charge = charge_of(*frame);
    queued_bytes_ += charge;
    server_.queued_bytes += charge;
    peak_queued_bytes_ = std::max(peak_queued_bytes_, queued_bytes_);
    if (reply) ++queued_replies_;
    queue_.push_back({std::move(frame), reply});
    if (queued_bytes_ > server_.options().max_queued_bytes) {
      log_line(peer_, "send queue over " + std::to_string(server_.options().max_queued_bytes) +
                          " bytes (console too slow), disconnecting");
      ++server_.slow_disconnects;
      close();
      return;
    }
    if (!writing_) write();
  }

  /// Sends an Error and closes once it is written.
  void refuse(pb::Error::Code code, const std::string& text) {
    log_line(peer_, text + ", closing");
    ++server_.refused;
    pb::ServerMessage m;
    m.mutable_error()->set_code(code);
    m.mutable_error()->set_message(text);
    send(make_frame(m));
    closing_ = true;
    if (!writing_) close();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    if (paused_) --server_.paused_clients;
    hello_timer_.cancel();
    timeline_timer_.cancel();
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    if (throttled_) --server_.throttled_clients;
    server_.queued_bytes -= queued_bytes_;
    queue_.clear();
    queued_bytes_ = 0;
    if (peak_queued_bytes_ >= kTrimAfterBytes && trim_freed_memory()) ++server_.memory_trims;
    server_.remove(shared_from_this());
  }

 private:
  /// Answers a TimelineRequest. A whole window goes at once (the server shares one per
  /// `timeline_interval`); what came since this console's last reply goes at most once per
  /// `timeline_partial_interval`: asked sooner, it is sent when that has passed, and the
  /// requests in between share it. Each partial reply drains the rings: a console asking
  /// without pause must not make the server drain without pause.
  void timeline() {
    const bool whole = timeline_after_.at_start();
    const auto due = last_timeline_ + server_.options().timeline_partial_interval;
    if (whole || (!timeline_held_ && std::chrono::steady_clock::now() >= due)) return send_timeline();
    if (std::exchange(timeline_held_, true)) return;
    timeline_timer_.expires_at(due);
    timeline_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      self->timeline_held_ = false;
      if (!ec && !self->closed_ && !self->closing_) self->send_timeline();
    });
  }

  void send_timeline() {
    last_timeline_ = std::chrono::steady_clock::now();
    send(server_.timeline_frame(timeline_after_), true);
  }

  void read() {
    socket_.async_read_some(asio::buffer(buffer_),
                            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                              self->on_read(ec, n);
                            });
  }

  void on_read(boost::system::error_code ec, std::size_t n) {
    if (closed_) return;
    if (ec) {
      if (decoder_.buffered() > 0)
        return bad_frame("truncated: the connection ended " + std::to_string(decoder_.buffered()) +
                         " bytes into a frame");
      close();
      return;
    }
    decoder_.feed({buffer_.data(), n});
    serve_requests();
  }

  /// Handles the requests received so far, then reads more; unless this console has too
  /// many replies waiting: then it is not read until `on_written` sees them taken, and
  /// what it keeps sending waits in the kernel's socket buffers.
  void serve_requests() {
    std::string payload;
    while (queued_replies_ < max_queued_replies()) {
      const auto st = decoder_.next(payload);
      if (st == console::frame_decoder::status::need_more) return read();
      if (st == console::frame_decoder::status::error) return bad_frame(decoder_.error());
      pb::ClientMessage m;
      if (!m.ParseFromString(payload)) return bad_frame("malformed message");
      if (!handle(m) || closed_ || closing_) return;
    }
    throttled_ = true;
    ++server_.throttled_clients;
  }

  std::size_t max_queued_replies() const {
    return std::max<std::size_t>(1, server_.options().max_queued_replies);
  }

  void bad_frame(const std::string& why) {
    log_line(peer_, "bad frame (" + why + "), closing");
    ++server_.bad_frames;
    close();
  }

  /// False when the connection is being closed.
  bool handle(const pb::ClientMessage& m) {
    if (!ready_ && m.kind_case() != pb::ClientMessage::kHello) {
      refuse(pb::Error::CODE_BAD_REQUEST, "the first message must be a ClientHello");
      return false;
    }
    switch (m.kind_case()) {
      case pb::ClientMessage::kHello: return hello(m.hello());
      case pb::ClientMessage::kTaskDetails:
        ++server_.requests;
        details(m.task_details().task_id());
        return true;
      case pb::ClientMessage::kTimeline:
        ++server_.requests;
        if (m.timeline().whole()) timeline_after_ = {};
        timeline();
        return true;
      case pb::ClientMessage::kTrace:
        ++server_.requests;
        send(server_.trace_frame(), true);
        return true;
      case pb::ClientMessage::kPause:
        ++server_.requests;
        if (!paused_) ++server_.paused_clients;
        paused_ = true;
        return true;
      case pb::ClientMessage::kResume:
        ++server_.requests;
        if (paused_) --server_.paused_clients;
        paused_ = false;
        send(server_.full_state_frame(), true);
        return true;
      case pb::ClientMessage::KIND_NOT_SET: break;
    }
    bad_frame("message without a known kind");
    return false;
  }

  bool hello(const pb::ClientHello& h) {
    if (ready_) {
      refuse(pb::Error::CODE_BAD_REQUEST, "a second ClientHello");
      return false;
    }
    if (h.protocol_version() != console::kProtocolVersion) {
      refuse(pb::Error::CODE_VERSION_MISMATCH,
             "protocol version mismatch: the console speaks v" +
                 std::to_string(h.protocol_version()) + ", this probe speaks v" +
                 std::to_string(console::kProtocolVersion) +
                 "; use a console built for protocol v" + std::to_string(console::kProtocolVersion));
      return false;
    }
    if (!server_.options().token.empty() && !base::constant_time_equal(h.token(), server_.options().token)) {
      refuse(pb::Error::CODE_UNAUTHENTICATED,
             h.token().empty() ? "this probe requires a token" : "wrong token");
      return false;
    }
    ready_ = true;
    hello_timer_.cancel();
    send(server_.hello_frame(), true);
    send(server_.full_state_frame(), true);
    return !closed_;
  }

  void details(std::uint64_t id) {
    pb::ServerMessage m;
    std::optional<task_details> d;
    if (server_.source().task_details) {
      try {
        d = server_.source().task_details(id);
      } catch (const std::exception& e) {
        log_line(peer_, std::string("task details failed: ") + e.what());
      }
    }
    if (d) {
      console::detail::to_proto(*d, m.mutable_task_details());
    } else {
      m.mutable_error()->set_code(pb::Error::CODE_UNKNOWN_TASK);
      m.mutable_error()->set_message("no task with id " + std::to_string(id));
    }
    send(make_frame(m), true);
  }

  void write() {
    writing_ = true;
    asio::async_write(socket_, asio::buffer(*queue_.front().frame),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        self->on_written(ec);
                      });
  }

  void on_written(boost::system::error_code ec) {
    writing_ = false;
    if (closed_) return;
    if (ec) {
      close();
      return;
    }
    const std::size_t charge = charge_of(*queue_.front().frame);
    queued_bytes_ -= charge;
    server_.queued_bytes -= charge;
    if (queue_.front().reply) --queued_replies_;
    queue_.pop_front();
    if (!queue_.empty()) {
      write();
    } else if (closing_) {
      close();
      return;
    }
    // Half the replies taken: read again (not at once, or it would pause per reply).
    if (throttled_ && !closing_ && queued_replies_ <= max_queued_replies() / 2) {
      throttled_ = false;
      --server_.throttled_clients;
      serve_requests();
    }
  }

  console_server_impl& server_;
  tcp::socket socket_;
  std::string peer_;
  std::array<char, 4096> buffer_{};
  console::frame_decoder decoder_{console::kMaxClientFrameSize};
  asio::steady_timer hello_timer_{socket_.get_executor()};
  struct queued_frame {
    frame_ptr frame;
    bool reply = false;  ///< answers this console's request
  };
  std::deque<queued_frame> queue_;
  std::size_t queued_bytes_ = 0;       ///< as charged (charge_of)
  std::size_t peak_queued_bytes_ = 0;  ///< the most queued_bytes_ has been
  std::size_t queued_replies_ = 0;
  bool throttled_ = false;  ///< not read until replies are taken
  bool writing_ = false;
  bool ready_ = false;    ///< hello accepted
  timeline_cursor timeline_after_;  ///< where its last timeline ended
  std::chrono::steady_clock::time_point last_timeline_{};  ///< its last timeline reply
  asio::steady_timer timeline_timer_{socket_.get_executor()};  ///< a held partial reply
  bool timeline_held_ = false;  ///< a partial reply waits for timeline_timer_
  bool paused_ = false;
  bool closing_ = false;  ///< close once the queue is written
  bool closed_ = false;
};

namespace {

asio::ip::address resolve_host(const std::string& host) {
  if (host == "localhost") return asio::ip::make_address("127.0.0.1");
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec)
    throw std::invalid_argument("coroscope console: '" + host +
                                "' is not an IP address (use e.g. 127.0.0.1, ::1 or 0.0.0.0)");
  return address;
}

}  // namespace

console_server_impl::console_server_impl(console_source source, console_options options)
    : source_(std::move(source)), options_(std::move(options)) {
  if (!source_.identity || !source_.snapshot)
    throw std::invalid_argument("coroscope console: console_source needs identity and snapshot");
  if (options_.publish_interval <= std::chrono::nanoseconds::zero())
    throw std::invalid_argument("coroscope console: publish_interval must be positive");
  heap_every_ = static_cast<std::uint64_t>(std::max<std::int64_t>(
      1, (options_.heap_interval.count() + options_.publish_interval.count() - 1) /
             options_.publish_interval.count()));
  ticks_since_heap_ = heap_every_;  // the first tick with a console refreshes at once
  const auto address = resolve_host(options_.host);
  if (!address.is_loopback() && options_.token.empty())
    throw std::invalid_argument("coroscope console: refusing to serve on " + options_.host +
                                " (beyond loopback) without a token; set COROSCOPE_CONSOLE_TOKEN");
  const tcp::endpoint endpoint(address, options_.port);
  boost::system::error_code open_error;  // close-on-exec: started programs never hold the port
  open_acceptor_cloexec(acceptor_, endpoint.protocol(), open_error);
  if (open_error) throw boost::system::system_error(open_error, "open");
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();

  auto identity = source_.identity();
  identity.protocol_version = console::kProtocolVersion;
  identity.publish_interval = options_.publish_interval;
  identity.server_version = COROSCOPE_VERSION_STRING;
  identity.serves_timeline = true;  // with or without a source: "not recording" is an answer
  identity.serves_trace = true;     // the same: an error says why no trace was written
  pb::ServerMessage hello;
  console::detail::to_proto(identity, hello.mutable_hello());
  hello_frame_ = make_frame(hello);

  accept();
  asio::post(io_, [this] { publish(); });
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "coroscope-con");
    io_.run();
  });
}

void console_server_impl::stop() {
  if (stopped_.exchange(true)) return;
  asio::post(io_, [this] {
    shutting_down_ = true;  // a timer or accept that completed meanwhile must not re-arm
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    timer_.cancel();
    for (const auto& c : std::set(connections_)) c->close();
  });
  if (thread_.joinable()) thread_.join();
}

console_server_stats console_server_impl::stats() const {
  return {clients_.load(),  accepted_.load(),      slow_disconnects.load(),
          bad_frames.load(), refused.load(),        published_.load(),
          paused_clients.load(), requests.load(),   throttled_clients.load(),
          queued_bytes.load(),   memory_trims.load()};
}

void console_server_impl::remove(const std::shared_ptr<console_connection>& c) {
  connections_.erase(c);
  clients_ = connections_.size();
}

void console_server_impl::accept() {
  async_accept_cloexec(acceptor_, [this](boost::system::error_code ec, tcp::socket socket) {
    if (shutting_down_ || ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      ++accepted_;
      socket.set_option(tcp::no_delay(true), ec);
      auto c = std::make_shared<console_connection>(*this, std::move(socket));
      connections_.insert(c);
      clients_ = connections_.size();
      if (connections_.size() > options_.max_clients)
        c->refuse(pb::Error::CODE_SERVER_FULL,
                  "too many consoles (limit " + std::to_string(options_.max_clients) + ")");
      else
        c->start();
    }
    accept();
  });
}

void console_server_impl::schedule_publish() {
  if (shutting_down_) return;
  timer_.expires_after(options_.publish_interval);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) publish();
  });
}

void console_server_impl::publish() {
  if (shutting_down_) return;
  // A window can be tens of MiB: do not keep it past its interval (queues that still
  // send it hold their own reference).
  if (timeline_frame_ && std::chrono::steady_clock::now() - timeline_taken_ >= options_.timeline_interval) {
    timeline_frame_.reset();
  }
  try {
    snapshot current = source_.snapshot();
    pb::ServerMessage m;
    auto* update = m.mutable_update();
    fill_update(&last_, current, update);
    // Sampling for the live flamegraph only while someone watches.
    if (source_.cpu_samples && !connections_.empty())
      console::detail::to_proto(source_.cpu_samples(), update);
    refresh_heap(update);
    update->set_sequence(++sequence_);
    const auto frame = make_frame(m);
    last_ = std::move(current);
    full_frame_.reset();
    ++published_;
    for (const auto& c : std::set(connections_))
      if (c->live()) c->send(frame);
  } catch (const std::exception& e) {
    log_line("publisher", std::string("publish failed: ") + e.what());
  }
  schedule_publish();
}

void console_server_impl::refresh_heap(pb::Update* update) {
  if (!source_.heap || connections_.empty() || ++ticks_since_heap_ < heap_every_) return;
  ticks_since_heap_ = 0;
  std::optional<heap_view> current;
  try {
    current = source_.heap();
  } catch (const std::exception& e) {
    log_line("publisher", std::string("heap view failed: ") + e.what());
    return;
  }
  if (current.has_value() == heap_.has_value()) {
    if (!current) return;
    // Unchanged but for its time: the clients keep what they have.
    const auto time = std::exchange(current->time, heap_->time);
    if (*current == *heap_) return;
    current->time = time;
  }
  heap_ = std::move(current);
  console::detail::to_proto(heap_, update);
}

frame_ptr console_server_impl::full_state_frame() {
  if (!full_frame_) {
    pb::ServerMessage m;
    fill_update(nullptr, last_, m.mutable_update());
    if (heap_) console::detail::to_proto(heap_, m.mutable_update());
    m.mutable_update()->set_sequence(sequence_);
    full_frame_ = make_frame(m);
  }
  return full_frame_;
}

frame_ptr console_server_impl::timeline_frame(timeline_cursor& after) {
  const auto now = std::chrono::steady_clock::now();
  const bool whole = after.at_start();
  if (whole && timeline_frame_ && now - timeline_taken_ < options_.timeline_interval) {
    after = timeline_frame_end_;
    return timeline_frame_;
  }
  pb::ServerMessage m;
  auto* reply = m.mutable_timeline();
  std::optional<timeline> window;
  bool failed = false;
  if (source_.timeline) {
    try {
      window = source_.timeline(after);
    } catch (const std::exception& e) {
      log_line("console", std::string("timeline failed: ") + e.what());
      failed = true;
      after = {};  // the next request asks for the whole window again
    }
  }
  if (window) {
    console::detail::to_proto(*window, reply);
  } else {
    reply->set_recording(false);
  }
  frame_ptr frame = make_frame(m);
  if (whole && !failed) {
    timeline_frame_ = frame;
    timeline_frame_end_ = after;
    timeline_taken_ = now;
  }
  return frame;
}

frame_ptr console_server_impl::trace_frame() {
  if (trace_frame_ && std::chrono::steady_clock::now() - trace_taken_ < options_.trace_interval)
    return trace_frame_;
  pb::ServerMessage m;
  auto* reply = m.mutable_trace_written();
  if (!source_.write_trace) {
    reply->set_error("this probe writes no traces");
  } else {
    try {
      const trace_written written = source_.write_trace();
      reply->set_path(written.path);
      reply->set_bytes(written.bytes);
      reply->set_error(written.error);
    } catch (const std::exception& e) {
      log_line("console", std::string("trace failed: ") + e.what());
      reply->set_error(e.what());
    }
  }
  // A failed write counts too (it encoded the window before the file would not open), and
  // the interval runs from the end of the write, however long it took.
  trace_frame_ = make_frame(m);
  trace_taken_ = std::chrono::steady_clock::now();
  return trace_frame_;
}

void console_server_impl::fill_update(const snapshot* previous, const snapshot& current,
                                      pb::Update* out) const {
  using namespace console::detail;
  out->set_full_state(previous == nullptr);
  out->set_time_unix_nano(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::system_clock::now().time_since_epoch()).count()));
  out->set_uptime_nanos(static_cast<std::uint64_t>(std::max<std::int64_t>(0, current.uptime.count())));

  std::unordered_map<std::uint64_t, const task_info*> before;
  if (previous) {
    before.reserve(previous->tasks.size());
    for (const auto& t : previous->tasks) before.emplace(t.id, &t);
  }
  for (const auto& t : current.tasks) {
    const auto it = before.find(t.id);
    if (it == before.end()) {
      to_proto(t, out->add_new_tasks());
      continue;
    }
    if (stats_differ(*it->second, t)) to_proto_stats(t, out->add_changed_tasks());
    before.erase(it);
  }
  for (const auto& [id, t] : before) out->add_removed_task_ids(id);

  for (const auto& w : current.workers) to_proto(w, out->add_workers());

  std::map<site_key, const await_site_info*> sites;
  if (previous)
    for (const auto& a : previous->await_sites) sites.emplace(key_of(a), &a);
  for (const auto& a : current.await_sites) {
    const auto it = sites.find(key_of(a));
    if (it == sites.end() || site_differs(*it->second, a)) to_proto(a, out->add_await_sites());
  }

  if (!previous || warnings_differ(previous->warnings, current.warnings)) {
    out->set_warnings_changed(true);
    for (const auto& w : current.warnings) to_proto(w, out->add_warnings());
  }

  auto* counts = out->mutable_counts();
  counts->set_tasks_spawned(current.tasks_spawned);
  counts->set_tasks_completed(current.tasks_completed);
  counts->set_live_tasks(current.live_tasks);
  counts->set_dropped_events(current.dropped_events);
  counts->set_untracked_spawns(current.untracked_spawns);
  counts->set_dropped_warnings(current.dropped_warnings);
  counts->set_dropped_cpu_samples(current.dropped_cpu_samples);
  fill_operations(previous, current, out);
}

}  // namespace detail

console_server::console_server(console_source source, console_options options)
    : impl_(std::make_unique<detail::console_server_impl>(std::move(source), std::move(options))) {}

console_server::~console_server() = default;

std::uint16_t console_server::port() const noexcept { return impl_->port(); }
void console_server::stop() { impl_->stop(); }
console_server_stats console_server::stats() const { return impl_->stats(); }

}  // namespace coroscope
