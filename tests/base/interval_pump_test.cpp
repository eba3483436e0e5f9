// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The one interval pump (OTLP export, continuous profiling). Ticks are observed through a
// condition variable the tick signals; no test sleeps or measures a speed.
#include <coroscope/base/interval_pump.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using coroscope::base::interval_pump;
using coroscope::base::next_deadline;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

/// What the ticks did, shared with the test thread.
struct observed {
  std::mutex mu;
  std::condition_variable changed;
  int ticks = 0;
  std::vector<std::string> reports;
  bool last_token_stoppable = true;

  void tick(const std::stop_token& token) {
    std::lock_guard lock(mu);
    ++ticks;
    last_token_stoppable = token.stop_possible();
    changed.notify_all();
  }
  void wait_for_ticks(int n) {
    std::unique_lock lock(mu);
    changed.wait(lock, [&] { return ticks >= n; });
  }
};

interval_pump::options every(std::chrono::nanoseconds interval, observed& seen) {
  interval_pump::options o;
  o.interval = interval;
  o.what = "test sink";
  o.report = [&seen](const std::string& message) {
    std::lock_guard lock(seen.mu);
    seen.reports.push_back(message);
  };
  return o;
}

TEST(interval_pump, next_deadline_does_not_drift_and_skips_missed_ticks) {
  const steady::time_point t0{};
  // A tick that ran 3 ms late does not push the next one back.
  EXPECT_EQ(next_deadline(t0, 10ms, t0 + 3ms), t0 + 10ms);
  EXPECT_EQ(next_deadline(t0 + 10ms, 10ms, t0 + 19ms), t0 + 20ms);
  // A tick that overran whole intervals: the next one is an interval from now, once.
  EXPECT_EQ(next_deadline(t0, 10ms, t0 + 35ms), t0 + 45ms);
}

TEST(interval_pump, ticks_until_stopped) {
  observed seen;
  interval_pump pump(every(1ms, seen), [&](std::stop_token t) { seen.tick(t); });
  EXPECT_FALSE(pump.running());
  pump.start();
  pump.start();  // no second thread
  EXPECT_TRUE(pump.running());
  seen.wait_for_ticks(3);
  pump.stop();
  EXPECT_FALSE(pump.running());
  const int after_stop = seen.ticks;  // joined: no tick runs any more
  pump.stop();                        // idempotent
  EXPECT_EQ(seen.ticks, after_stop);
  EXPECT_TRUE(seen.last_token_stoppable);
  EXPECT_TRUE(seen.reports.empty());
}

TEST(interval_pump, stop_does_not_wait_for_the_interval_and_runs_no_tick) {
  observed seen;
  interval_pump pump(every(1h, seen), [&](std::stop_token t) { seen.tick(t); });
  pump.start();
  pump.stop();  // would hang for an hour if it waited for the deadline
  EXPECT_EQ(seen.ticks, 0);
}

TEST(interval_pump, final_tick_runs_once_after_stop_with_an_unstoppable_token) {
  observed seen;
  interval_pump::options o = every(1h, seen);
  o.final_tick = true;
  interval_pump pump(std::move(o), [&](std::stop_token t) { seen.tick(t); });
  pump.start();
  pump.stop();
  EXPECT_EQ(seen.ticks, 1);
  EXPECT_FALSE(seen.last_token_stoppable) << "the final tick must be allowed to finish";
}

TEST(interval_pump, stop_token_ends_a_long_tick) {
  observed seen;
  bool saw_stop = false;
  interval_pump pump(every(1ms, seen), [&](std::stop_token token) {
    seen.tick(token);
    // A tick that would wait forever (a retry backoff) unless stop is requested.
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    saw_stop = cv.wait(lock, token, [] { return false; }) || token.stop_requested();
  });
  pump.start();
  seen.wait_for_ticks(1);
  pump.stop();
  EXPECT_TRUE(saw_stop);
  EXPECT_EQ(seen.ticks, 1);
}

TEST(interval_pump, failing_tick_is_reported_once_per_run_of_failures) {
  observed seen;
  interval_pump pump(every(1ms, seen), [&](std::stop_token t) {
    seen.tick(t);
    std::lock_guard lock(seen.mu);
    // Ticks 1-3 fail, 4 succeeds, 5 fails, the rest succeed.
    if (seen.ticks <= 3 || seen.ticks == 5)
      throw std::runtime_error("boom " + std::to_string(seen.ticks));
  });
  pump.start();
  seen.wait_for_ticks(7);
  pump.stop();
  EXPECT_EQ(seen.reports, (std::vector<std::string>{"test sink: boom 1", "test sink: boom 5"}));
}

TEST(interval_pump, without_a_tick_nothing_starts) {
  interval_pump pump({}, {});
  pump.start();
  EXPECT_FALSE(pump.running());
}

}  // namespace
