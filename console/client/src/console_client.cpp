// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/console_client.hpp"

#include <pthread.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "cloexec_io.hpp"
#include "coroscope/console/frame_codec.hpp"
#include "coroscope/console/proto_conversions.hpp"
#include "coroscope/console_recording.hpp"

namespace coroscope {

const char* to_string(connection_state s) noexcept {
  switch (s) {
    case connection_state::stopped: return "stopped";
    case connection_state::connecting: return "connecting";
    case connection_state::connected: return "connected";
    case connection_state::disconnected: return "disconnected";
    case connection_state::refused: return "refused";
  }
  return "?";
}

namespace detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
namespace pb = console::v1;

/// Public functions run on any thread and talk to the io thread by posting; fields marked
/// "io" are touched only on the io thread, the rest under `mutex_` or atomic.
class console_client_impl {
 public:
  console_client_impl(console_client_options options, console_client_callbacks callbacks)
      : options_(std::move(options)), callbacks_(std::move(callbacks)) {
    if (options_.protocol_version == 0) options_.protocol_version = console::kProtocolVersion;
  }
  ~console_client_impl() { stop(); }

  void start() {
    if (started_.exchange(true)) return;
    asio::co_spawn(io_, run(), asio::detached);
    thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "coroscope-cli");
      io_.run();
    });
  }

  void stop() {
    if (stopping_.exchange(true)) return;
    // Cancel what can be cancelled, then stop: a connect to an unreachable host would
    // otherwise hold the thread. Pending coroutine frames die with io_.
    asio::post(io_, [this] {
      timer_.cancel();
      close_socket();
      recorder_.reset();
      io_.stop();
    });
    if (thread_.joinable()) thread_.join();
    set_connection(connection_state::stopped, "");
  }

  connection_state connection() const {
    std::lock_guard lock(mutex_);
    return connection_;
  }
  std::string connection_detail() const {
    std::lock_guard lock(mutex_);
    return detail_;
  }
  std::shared_ptr<const console_state> state() const {
    std::lock_guard lock(mutex_);
    return state_;
  }
  std::shared_ptr<const task_details> last_details() const {
    std::lock_guard lock(mutex_);
    return details_;
  }

  bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, done);
  }
  bool wait_state(const std::function<bool(const console_state&)>& p, std::chrono::milliseconds t) const {
    return wait_for([&] { return p(*state_); }, t);
  }
  bool wait_connection(connection_state s, std::chrono::milliseconds t) const {
    return wait_for([&] { return connection_ == s; }, t);
  }

  void request_task_details(std::uint64_t id) {
    pb::ClientMessage m;
    m.mutable_task_details()->set_task_id(id);
    post_send(m);
  }
  void request_timeline() {
    pb::ClientMessage m;
    // After a recording starts, the whole window: a replay has no earlier replies.
    m.mutable_timeline()->set_whole(whole_timeline_next_.exchange(false));
    post_send(m);
  }
  void request_trace() {
    pb::ClientMessage m;
    m.mutable_trace();
    post_send(m);
  }
  void pause() {
    paused_ = true;
    pb::ClientMessage m;
    m.mutable_pause();
    post_send(m);
  }
  void resume() {
    paused_ = false;
    pb::ClientMessage m;
    m.mutable_resume();
    post_send(m);
  }
  bool paused() const { return paused_; }

  bool start_recording(const std::string& path, std::string& error) {
    std::shared_ptr<session_recorder> rec = session_recorder::create(path, error);
    if (!rec) return false;
    whole_timeline_next_ = true;  // before the next request_timeline, whichever thread asks
    asio::post(io_, [this, rec] {
      recorder_ = rec;
      recording_awaits_full_ = true;
      // Begin with what a replay needs: the identity, then a fresh full state.
      if (socket_ && !hello_payload_.empty()) {
        recorder_->write(std::chrono::system_clock::now(), recorded_kind::hello, hello_payload_);
        pb::ClientMessage m;
        m.mutable_resume();
        send(console::detail::frame_of(m));
      }
    });
    return true;
  }
  void stop_recording() {
    asio::post(io_, [this] { recorder_.reset(); });
  }

  console_client_stats stats() const {
    return {frames_.load(), bytes_.load(), connects_.load(), resyncs_.load()};
  }

 private:
  asio::awaitable<void> run() {
    auto backoff = options_.initial_backoff;
    tcp::resolver resolver(io_);
    while (!stopping_) {
      set_connection(connection_state::connecting, "");
      std::string reason;
      refused_ = false;
      try {
        const auto endpoints = co_await resolver.async_resolve(
            options_.host, std::to_string(options_.port), asio::use_awaitable);
        tcp::socket socket(io_);
        if (const auto ec = co_await detail::connect_cloexec(socket, endpoints))
          throw boost::system::system_error(ec);
        if (stopping_) break;
        socket.set_option(tcp::no_delay(true));
        socket_.emplace(std::move(socket));
        ++generation_;
        builder_.reset();
        hello_payload_.clear();
        pb::ClientMessage hello;
        hello.mutable_hello()->set_protocol_version(options_.protocol_version);
        hello.mutable_hello()->set_token(options_.token);
        hello.mutable_hello()->set_client_name(options_.client_name);
        send(console::detail::frame_of(hello));
        if (paused_) {
          pb::ClientMessage pause;
          pause.mutable_pause();
          send(console::detail::frame_of(pause));
        }
        reason = co_await read_loop(backoff);
      } catch (const boost::system::system_error& e) {
        reason = e.code() == asio::error::eof ? "the probe closed the connection"
                                              : e.code().message();
      }
      close_socket();
      if (stopping_) break;
      if (refused_) {
        set_connection(connection_state::refused, reason);
        co_return;
      }
      set_connection(connection_state::disconnected, reason);
      if (!options_.reconnect) co_return;
      timer_.expires_after(backoff);
      boost::system::error_code ec;
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }

  /// Reads frames until the connection fails; returns why.
  asio::awaitable<std::string> read_loop(std::chrono::milliseconds& backoff) {
    console::frame_decoder decoder;
    std::array<char, 64 * 1024> buffer;
    std::string payload;
    for (;;) {
      const std::size_t n = co_await socket_->async_read_some(asio::buffer(buffer), asio::use_awaitable);
      bytes_ += n;
      decoder.feed({buffer.data(), n});
      for (;;) {
        const auto st = decoder.next(payload);
        if (st == console::frame_decoder::status::need_more) break;
        if (st == console::frame_decoder::status::error)
          co_return "bad frame from the probe: " + decoder.error();
        ++frames_;
        if (auto why = handle(payload, backoff); !why.empty()) co_return why;
      }
    }
  }

  /// Applies one payload; a non-empty result ends the connection with that reason.
  std::string handle(const std::string& payload, std::chrono::milliseconds& backoff) {
    const auto r = builder_.apply(payload);
    recorded_kind kind = recorded_kind::other;
    switch (r.kind) {
      case console_state_builder::result::hello:
        kind = recorded_kind::hello;
        hello_payload_ = payload;
        backoff = options_.initial_backoff;
        ++connects_;
        publish_state();
        set_connection(connection_state::connected, "");
        break;
      case console_state_builder::result::update:
        kind = builder_.state().full ? recorded_kind::full_state : recorded_kind::delta;
        publish_state();
        break;
      case console_state_builder::result::task_details: {
        auto d = std::make_shared<const task_details>(std::move(*r.details));
        if (callbacks_.on_task_details) callbacks_.on_task_details(*d);
        {
          std::lock_guard lock(mutex_);
          details_ = d;
        }
        changed_.notify_all();
        break;
      }
      case console_state_builder::result::timeline:
        if (callbacks_.on_timeline) callbacks_.on_timeline(r.window);
        break;
      case console_state_builder::result::trace_written:
        if (callbacks_.on_trace_written) callbacks_.on_trace_written(*r.trace);
        break;
      case console_state_builder::result::error:
        if (r.error_code == pb::Error::CODE_VERSION_MISMATCH ||
            r.error_code == pb::Error::CODE_UNAUTHENTICATED) {
          refused_ = true;
          return r.message;
        }
        if (r.error_code != pb::Error::CODE_UNKNOWN_TASK) return r.message;
        if (callbacks_.on_error) callbacks_.on_error(r.message);
        break;
      case console_state_builder::result::out_of_sync: {
        ++resyncs_;
        pb::ClientMessage m;
        m.mutable_resume();
        send(console::detail::frame_of(m));
        break;
      }
      case console_state_builder::result::malformed:
        return r.message;
    }
    if (recorder_) {
      // A recording started mid-session begins at the full state it asked for: deltas still
      // on their way apply to a state the recording does not hold.
      if (kind == recorded_kind::full_state) recording_awaits_full_ = false;
      const bool before_full = recording_awaits_full_ && kind == recorded_kind::delta;
      if (!before_full && !recorder_->write(std::chrono::system_clock::now(), kind, payload)) {
        if (callbacks_.on_error) callbacks_.on_error("recording stopped: write failed");
        recorder_.reset();
      }
    }
    return {};
  }

  void publish_state() {
    // Callback first, then waiters: whoever waits on state() sees callbacks done.
    auto s = std::make_shared<const console_state>(builder_.state());
    if (callbacks_.on_state) callbacks_.on_state(s);
    {
      std::lock_guard lock(mutex_);
      state_ = s;
    }
    changed_.notify_all();
  }

  void set_connection(connection_state c, const std::string& detail) {
    {
      std::lock_guard lock(mutex_);
      if (connection_ == c && detail_ == detail) return;
    }
    if (callbacks_.on_connection) callbacks_.on_connection(c, detail);
    {
      std::lock_guard lock(mutex_);
      connection_ = c;
      detail_ = detail;
    }
    changed_.notify_all();
  }

  void post_send(const pb::ClientMessage& m) {
    asio::post(io_, [this, frame = console::detail::frame_of(m)]() mutable {
      if (socket_) send(std::move(frame));
    });
  }

  // io thread only.
  void send(std::string frame) {
    out_.push_back(std::move(frame));
    if (!writing_) write();
  }
  void write() {
    writing_ = true;
    asio::async_write(*socket_, asio::buffer(out_.front()),
                      [this, gen = generation_](boost::system::error_code ec, std::size_t) {
                        if (gen != generation_) return;  // a closed connection's write
                        writing_ = false;
                        if (ec) return close_socket();  // the read fails next and reports
                        out_.pop_front();
                        if (!out_.empty() && socket_) write();
                      });
  }
  void close_socket() {
    if (!socket_) return;
    boost::system::error_code ignored;
    socket_->shutdown(tcp::socket::shutdown_both, ignored);
    socket_->close(ignored);
    ++generation_;
    out_.clear();
    writing_ = false;
  }

  console_client_options options_;
  console_client_callbacks callbacks_;
  asio::io_context io_{1};
  asio::steady_timer timer_{io_};
  std::thread thread_;
  std::atomic<bool> started_{false}, stopping_{false}, paused_{false};
  std::atomic<std::uint64_t> frames_{0}, bytes_{0}, connects_{0}, resyncs_{0};

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::shared_ptr<const console_state> state_ = std::make_shared<const console_state>();
  std::shared_ptr<const task_details> details_;
  connection_state connection_ = connection_state::stopped;
  std::string detail_;

  // io thread only.
  std::optional<tcp::socket> socket_;
  std::uint64_t generation_ = 0;
  std::deque<std::string> out_;
  bool writing_ = false;
  bool refused_ = false;
  console_state_builder builder_;
  std::string hello_payload_;
  std::shared_ptr<session_recorder> recorder_;
  bool recording_awaits_full_ = false;  ///< no full state recorded yet: deltas are left out
  std::atomic<bool> whole_timeline_next_{false};  ///< a recording has no timeline yet
};

}  // namespace detail

console_client::console_client(console_client_options options, console_client_callbacks callbacks)
    : impl_(std::make_unique<detail::console_client_impl>(std::move(options), std::move(callbacks))) {}
console_client::~console_client() = default;
void console_client::start() { impl_->start(); }
void console_client::stop() { impl_->stop(); }
connection_state console_client::connection() const { return impl_->connection(); }
std::string console_client::connection_detail() const { return impl_->connection_detail(); }
std::shared_ptr<const console_state> console_client::state() const { return impl_->state(); }
bool console_client::wait_for(const std::function<bool(const console_state&)>& predicate,
                              std::chrono::milliseconds timeout) const {
  return impl_->wait_state(predicate, timeout);
}
bool console_client::wait_for(connection_state s, std::chrono::milliseconds timeout) const {
  return impl_->wait_connection(s, timeout);
}
void console_client::request_task_details(std::uint64_t task_id) { impl_->request_task_details(task_id); }
std::shared_ptr<const task_details> console_client::last_details() const { return impl_->last_details(); }
void console_client::request_timeline() { impl_->request_timeline(); }
void console_client::request_trace() { impl_->request_trace(); }
void console_client::pause() { impl_->pause(); }
void console_client::resume() { impl_->resume(); }
bool console_client::paused() const { return impl_->paused(); }
bool console_client::start_recording(const std::string& path, std::string& error) {
  return impl_->start_recording(path, error);
}
void console_client::stop_recording() { impl_->stop_recording(); }
console_client_stats console_client::stats() const { return impl_->stats(); }

}  // namespace coroscope
