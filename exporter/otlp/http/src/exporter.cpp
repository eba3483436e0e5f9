// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/otlp_exporter.hpp>

#include <coroscope/gzip.hpp>

#include "http_client.hpp"
#include "retry.hpp"
#include "url.hpp"

#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

namespace coroscope {
namespace {

using clock = std::chrono::steady_clock;

// One log line per kind per interval; lines in between are counted and reported.
class rate_limited_log {
 public:
  void operator()(const otlp_exporter_options& o, const std::string& line) {
    const auto now = clock::now();
    if (logged_once_ && now - last_ < o.log_interval) {
      ++suppressed_;
      return;
    }
    std::string text = "coroscope: otlp: " + line;
    if (suppressed_ > 0) text += " (" + std::to_string(suppressed_) + " similar messages suppressed)";
    if (o.log) {
      o.log(text);
    } else {
      std::cerr << text << '\n';
    }
    logged_once_ = true;
    last_ = now;
    suppressed_ = 0;
  }

 private:
  bool logged_once_ = false;
  clock::time_point last_;
  std::uint64_t suppressed_ = 0;
};

}  // namespace

// Shared by the caller's threads (submit/stats/shutdown) and the exporter thread.
// `mutex` guards queue, stats, stopping and deadline; the HTTP client and the log
// limiters belong to the exporter thread alone.
struct otlp_exporter::state {
  otlp_exporter_options options;
  detail::http_endpoint endpoint;

  mutable std::mutex mutex;
  std::condition_variable wake;
  std::deque<cpu_profile> queue;
  otlp_exporter_stats stats;
  bool stopping = false;
  bool flushed = true;
  clock::time_point deadline = clock::time_point::max();

  detail::http_client client;
  rate_limited_log failure_log;
  rate_limited_log retry_log;
  rate_limited_log partial_log;
  std::mt19937_64 rng{std::random_device{}()};
  std::mutex join_mutex;  // shutdown may race with itself (a caller and the destructor)
  std::thread thread;

  void run();
  void export_one(cpu_profile profile);
  void on_accepted(const detail::http_response& response, std::size_t wire_bytes);
  // Waits until `until` unless shutdown makes the wait pointless; true when it waited.
  bool backoff_until(clock::time_point until);
  bool past_shutdown_deadline(clock::time_point t) const {
    std::lock_guard lock(mutex);
    return stopping && t > deadline;
  }
};

void otlp_exporter::state::run() {
  std::unique_lock lock(mutex);
  for (;;) {
    wake.wait(lock, [&] { return stopping || !queue.empty(); });
    if (queue.empty()) break;  // stopping, and everything sent
    if (stopping && clock::now() >= deadline) {
      stats.dropped += queue.size();
      queue.clear();
      flushed = false;
      break;
    }
    cpu_profile next = std::move(queue.front());
    queue.pop_front();
    lock.unlock();
    export_one(std::move(next));
    lock.lock();
  }
}

bool otlp_exporter::state::backoff_until(clock::time_point until) {
  std::unique_lock lock(mutex);
  // Shutdown wakes us: give up at once when the retry would land past its deadline.
  wake.wait_until(lock, until, [&] { return stopping && until > deadline; });
  return !(stopping && until > deadline);
}

void otlp_exporter::state::export_one(cpu_profile profile) {
  std::string body;
  try {
    body = encode_otlp_request(profile, options.resource);
    if (options.compression == otlp_compression::gzip) body = gzip_compress(body);
  } catch (const std::exception& e) {
    failure_log(options, std::string("cannot encode a profile: ") + e.what());
    std::lock_guard lock(mutex);
    ++stats.failed;
    return;
  }
  profile = {};  // the encoded request is all we keep while retrying

  const auto first_attempt = clock::now();
  for (unsigned attempt = 1;; ++attempt) {
    clock::time_point request_deadline = clock::now() + options.timeout;
    {
      std::lock_guard lock(mutex);
      if (stopping) request_deadline = std::min(request_deadline, deadline);
    }
    detail::http_result result = client.post(endpoint, options.headers, body,
                                             options.compression == otlp_compression::gzip,
                                             request_deadline);
    std::string failure;
    std::optional<std::chrono::milliseconds> asked_delay;
    if (result.response && result.response->status / 100 == 2) {
      on_accepted(*result.response, body.size());
      return;
    }
    if (result.response) {
      const detail::http_response& r = *result.response;
      failure = "HTTP " + std::to_string(r.status) + " " + r.reason;
      if (!detail::is_retryable_status(r.status)) {
        failure_log(options, "POST " + options.endpoint + " failed: " + failure + "; not retried");
        std::lock_guard lock(mutex);
        ++stats.failed;
        return;
      }
      if (!r.retry_after.empty())
        asked_delay = detail::parse_retry_after(r.retry_after, std::chrono::system_clock::now());
    } else {
      failure = result.error;
    }

    const auto delay = asked_delay.value_or(detail::backoff_delay(
        attempt, options.retry_initial_backoff, options.retry_max_backoff, rng));
    const auto retry_at = clock::now() + delay;
    if (retry_at - first_attempt > options.retry_max_elapsed) {
      failure_log(options, "POST " + options.endpoint + " failed: " + failure + "; gave up after " +
                               std::to_string(attempt) + " attempt(s)");
      std::lock_guard lock(mutex);
      ++stats.failed;
      return;
    }
    bool waited = false;
    if (!past_shutdown_deadline(retry_at)) {
      retry_log(options, "POST " + options.endpoint + " failed: " + failure + "; retrying in " +
                             std::to_string(delay.count()) + " ms (attempt " + std::to_string(attempt) + ")");
      waited = backoff_until(retry_at);
    }
    if (!waited) {
      failure_log(options, "POST " + options.endpoint + " failed: " + failure +
                               "; gave up at the shutdown deadline");
      std::lock_guard lock(mutex);
      ++stats.failed;
      flushed = false;
      return;
    }
    std::lock_guard lock(mutex);
    ++stats.retried;
  }
}

void otlp_exporter::state::on_accepted(const detail::http_response& response, std::size_t wire_bytes) {
  const std::optional<otlp_partial_success> partial = decode_otlp_response(response.body);
  {
    std::lock_guard lock(mutex);
    ++stats.sent;
    stats.bytes += wire_bytes;
    if (partial) {
      ++stats.partial_successes;
      stats.rejected_profiles +=
          static_cast<std::uint64_t>(std::max<std::int64_t>(partial->rejected_profiles, 0));
    }
  }
  if (partial)
    partial_log(options, "collector accepted a request partially: " +
                             std::to_string(partial->rejected_profiles) + " profile(s) rejected" +
                             (partial->error_message.empty() ? "" : ": " + partial->error_message));
}

otlp_exporter::otlp_exporter(otlp_exporter_options options) : state_(std::make_unique<state>()) {
  state_->endpoint = detail::parse_http_endpoint(options.endpoint);
  if (options.queue_capacity == 0) throw std::invalid_argument("OTLP exporter: queue_capacity must be at least 1");
  state_->options = std::move(options);
  state_->thread = std::thread([s = state_.get()] { s->run(); });
}

otlp_exporter::~otlp_exporter() { shutdown(state_->options.shutdown_deadline); }

bool otlp_exporter::submit(cpu_profile profile) {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->stopping) return false;
    if (state_->queue.size() >= state_->options.queue_capacity) {
      state_->queue.pop_front();
      ++state_->stats.dropped;
    }
    state_->queue.push_back(std::move(profile));
  }
  state_->wake.notify_one();
  return true;
}

bool otlp_exporter::shutdown(std::chrono::milliseconds deadline) {
  const auto until = clock::now() + deadline;
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->stopping) {
      state_->stopping = true;
      state_->deadline = until;
    }
  }
  state_->wake.notify_all();
  {
    std::lock_guard join_lock(state_->join_mutex);
    if (state_->thread.joinable()) {
      state_->client.cut_at(until);
      state_->thread.join();
    }
  }
  std::lock_guard lock(state_->mutex);
  return state_->flushed;
}

otlp_exporter_stats otlp_exporter::stats() const {
  std::lock_guard lock(state_->mutex);
  return state_->stats;
}

const otlp_exporter_options& otlp_exporter::options() const noexcept { return state_->options; }

}  // namespace coroscope
