// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/base/interval_pump.hpp>

#include <coroscope/base/env_error_line.hpp>

#include <pthread.h>

#include <exception>
#include <utility>

namespace coroscope::base {

using steady = std::chrono::steady_clock;

steady::time_point next_deadline(steady::time_point deadline, std::chrono::nanoseconds interval,
                                 steady::time_point now) {
  const steady::time_point next = deadline + interval;
  return next < now ? now + interval : next;
}

interval_pump::interval_pump(options options, tick_fn tick)
    : options_(std::move(options)), tick_(std::move(tick)) {
  if (options_.interval <= std::chrono::nanoseconds::zero()) options_.interval = std::chrono::seconds(1);
}

interval_pump::~interval_pump() { stop(); }

void interval_pump::start() {
  if (thread_.joinable() || !tick_) return;
  thread_ = std::jthread([this](std::stop_token stop) { run(std::move(stop)); });
}

void interval_pump::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();  // wakes the wait and any tick waiting on its token
  thread_.join();
}

void interval_pump::run(std::stop_token stop) {
  ::pthread_setname_np(::pthread_self(), options_.thread_name.substr(0, 15).c_str());
  auto deadline = steady::now() + options_.interval;
  for (;;) {
    {
      // Wakes at the deadline or at once when stop is requested (the stop token's wake).
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, stop, deadline, [] { return false; });
    }
    if (stop.stop_requested()) break;
    call(stop);
    deadline = next_deadline(deadline, options_.interval, steady::now());
  }
  if (options_.final_tick) call(std::stop_token{});
}

void interval_pump::call(std::stop_token token) {
  try {
    tick_(std::move(token));
    failing_ = false;
  } catch (const std::exception& e) {
    failed(e.what());
  } catch (...) {
    failed("unknown exception");
  }
}

void interval_pump::failed(std::string_view why) {
  if (std::exchange(failing_, true)) return;  // reported when the run of failures began
  const std::string message = options_.what + ": " + std::string(why);
  if (options_.report)
    options_.report(message);
  else
    env::report(message);
}

}  // namespace coroscope::base
