// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/continuous.hpp>

#include "http_post.hpp"
#include "profile_files.hpp"

#include <coroscope/base/interval_pump.hpp>

#include <coroscope/pprof.hpp>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace coroscope {

namespace {

/// A profile waiting to be pushed: the encoded body and its window in Unix seconds.
struct pending_push {
  std::string body;
  std::int64_t from = 0;
  std::int64_t until = 0;
};

std::string encode_query_value(std::string_view v) {
  return boost::urls::encode(v, boost::urls::unreserved_chars);
}

}  // namespace

/// Shared by the profiling thread (producer: windows, files, queue) and the push thread
/// (consumer: queue, HTTP); `mu` guards the queue, the stats and the dedup of reports.
struct continuous_profiler::state {
  continuous_options options;
  take_profile_fn take_profile;
  std::optional<detail::http_base_url> pyroscope;
  std::string ingest_name;  // name=<service>{labels}

  mutable std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::deque<pending_push> queue;
  continuous_stats stats;
  std::set<std::string> failing;  // kinds of failure reported and not yet recovered
  std::optional<base::interval_pump> windows;  // calls take_window every interval
  std::thread push_thread;

  void report(const std::string& kind, const std::string& message);
  void recovered(const std::string& kind);
  void take_window();
  void push_loop();
  void push(pending_push item);
  std::string ingest_target(const pending_push& item) const;
};

void continuous_profiler::state::report(const std::string& kind, const std::string& message) {
  {
    // Once per failure streak: messages of a kind differ in details (file names, times),
    // so the kind, not the text, decides; `recovered(kind)` ends the streak.
    std::lock_guard lock(mu);
    if (!failing.insert(kind).second) return;
  }
  if (options.log) options.log(message);
  else std::cerr << "coroscope: " << message << '\n';
}

void continuous_profiler::state::recovered(const std::string& kind) {
  std::lock_guard lock(mu);
  failing.erase(kind);
}

void continuous_profiler::state::take_window() {
  const auto now = std::chrono::system_clock::now();
  cpu_profile profile;
  try {
    profile = take_profile();
  } catch (const std::exception& e) {
    report("take", std::string("taking a CPU profile failed: ") + e.what());
    return;
  }
  recovered("take");
  {
    std::lock_guard lock(mu);
    ++stats.windows;
  }
  std::int64_t until = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::int64_t from = until - std::max<std::int64_t>(1, options.interval.count() / 1000);
  if (profile.start_ns != 0) {
    from = static_cast<std::int64_t>(profile.start_ns / 1'000'000'000);
    until = static_cast<std::int64_t>((profile.start_ns + profile.duration_ns + 999'999'999) / 1'000'000'000);
    if (until <= from) until = from + 1;
  }

  bool written = false;
  if (!options.profile_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.profile_dir, ec);
    const std::string path =
        (std::filesystem::path(options.profile_dir) / detail::profile_file_name(options.service_name, now)).native();
    try {
      write_pprof(profile, path);
      written = true;
      recovered("file");
      std::lock_guard lock(mu);
      ++stats.files_written;
    } catch (const std::exception& e) {
      {
        std::lock_guard lock(mu);
        ++stats.file_errors;
      }
      report("file", std::string("COROSCOPE_PROFILE_DIR: ") + e.what());
    }
  }
  // Retention runs after a write that worked: a directory that cannot be written is
  // reported once above, not twice.
  if (!options.profile_dir.empty() && written) {
    auto removed = detail::remove_expired_profiles(options.profile_dir, options.service_name,
                                                   options.retention, now);
    {
      std::lock_guard lock(mu);
      stats.files_removed += removed.removed;
    }
    if (!removed.error.empty()) report("retention", "COROSCOPE_PROFILE_RETENTION: " + removed.error);
    else recovered("retention");
  }

  if (pyroscope) {
    pending_push item{encode_pprof(profile), from, until};
    bool dropped = false;
    {
      std::lock_guard lock(mu);
      queue.push_back(std::move(item));
      if (queue.size() > std::max<std::size_t>(1, options.push_queue_capacity)) {
        queue.pop_front();
        ++stats.pushes_dropped;
        dropped = true;
      }
    }
    cv.notify_all();
    if (dropped) report("queue", "Pyroscope push queue full: dropped the oldest profile");
    else recovered("queue");
  }
}

std::string continuous_profiler::state::ingest_target(const pending_push& item) const {
  return pyroscope->prefix + "/ingest?name=" + encode_query_value(ingest_name) +
         "&from=" + std::to_string(item.from) + "&until=" + std::to_string(item.until) +
         "&format=pprof&spyName=coroscope&sampleRate=" + std::to_string(options.sample_hz);
}

void continuous_profiler::state::push_loop() {
  for (;;) {
    pending_push item;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return stopping || !queue.empty(); });
      if (stopping) {
        stats.pushes_dropped += queue.size();
        queue.clear();
        return;
      }
      item = std::move(queue.front());
      queue.pop_front();
    }
    push(std::move(item));
  }
}

void continuous_profiler::state::push(pending_push item) {
  const std::string target = ingest_target(item);
  std::minstd_rand jitter{std::random_device{}()};
  auto backoff = options.retry_initial_backoff;
  for (unsigned attempt = 1;; ++attempt) {
    auto r = detail::http_post(*pyroscope, target, item.body, "application/octet-stream", options.push_timeout);
    if (r.status >= 200 && r.status < 300) {
      recovered("push");
      std::lock_guard lock(mu);
      ++stats.pushes_sent;
      return;
    }
    const std::string what = r.status != 0 ? "HTTP " + std::to_string(r.status) +
                                                 (r.body.empty() ? "" : ": " + r.body.substr(0, r.body.find('\n')))
                                           : r.error;
    const bool retryable = r.status == 0 || r.status == 429 || r.status >= 500;
    if (!retryable || attempt >= std::max(1u, options.push_attempts)) {
      {
        std::lock_guard lock(mu);
        ++stats.pushes_failed;
      }
      report("push", "Pyroscope push to " + options.pyroscope_url + " failed" +
                         (retryable ? " after " + std::to_string(attempt) + " attempts" : "") + ": " + what);
      return;
    }
    // Full jitter in [backoff/2, backoff]: spreads retries of many processes.
    const auto half = backoff.count() / 2;
    const auto delay = std::chrono::milliseconds(
        half + (half > 0 ? static_cast<long long>(jitter() % static_cast<unsigned long long>(half + 1)) : 0));
    backoff = std::min(backoff * 2, options.retry_max_backoff);
    std::unique_lock lock(mu);
    ++stats.push_retries;
    if (cv.wait_for(lock, delay, [&] { return stopping; })) {
      ++stats.pushes_dropped;
      return;
    }
  }
}

continuous_profiler::continuous_profiler(continuous_options options, take_profile_fn take_profile)
    : state_(std::make_unique<state>()) {
  state_->options = std::move(options);
  state_->take_profile = std::move(take_profile);
  if (state_->options.interval <= std::chrono::milliseconds::zero())
    state_->options.interval = std::chrono::milliseconds(10'000);
  if (!state_->options.pyroscope_url.empty()) {
    try {
      state_->pyroscope = detail::parse_base_url(state_->options.pyroscope_url);
    } catch (const std::invalid_argument& e) {
      state_->report("url", std::string(e.what()) + "; Pyroscope push is off");
    }
  }
  // Pyroscope derives the profile type from the pprof sample types (format=pprof), so
  // the name is the application itself, not `<app>.cpu`.
  std::string name = state_->options.service_name + "{";
  bool first = true;
  for (const auto& [k, v] : state_->options.pyroscope_labels) {
    name += (first ? "" : ",") + k + "=" + v;
    first = false;
  }
  state_->ingest_name = name + "}";
  if (!state_->take_profile || !state_->options.enabled()) return;
  base::interval_pump::options pump;
  pump.interval = state_->options.interval;
  pump.thread_name = "coroscope-prof";
  pump.what = "continuous profiling";
  pump.report = [s = state_.get()](const std::string& message) { s->report("window", message); };
  state_->windows.emplace(std::move(pump), [s = state_.get()](std::stop_token) { s->take_window(); });
  state_->windows->start();
  if (state_->pyroscope) state_->push_thread = std::thread([s = state_.get()] { s->push_loop(); });
}

continuous_profiler::~continuous_profiler() { stop(); }

void continuous_profiler::stop() {
  {
    std::lock_guard lock(state_->mu);
    state_->stopping = true;
  }
  state_->cv.notify_all();
  if (state_->windows) state_->windows->stop();
  if (state_->push_thread.joinable()) state_->push_thread.join();
  // A window taken while stopping can be queued after the push thread has left.
  std::lock_guard lock(state_->mu);
  state_->stats.pushes_dropped += state_->queue.size();
  state_->queue.clear();
}

continuous_stats continuous_profiler::stats() const {
  std::lock_guard lock(state_->mu);
  return state_->stats;
}

}  // namespace coroscope
