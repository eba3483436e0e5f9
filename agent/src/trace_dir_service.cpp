// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Automatic flight-recorder traces into COROSCOPE_TRACE_DIR: when a lint fires
// (rate-limited, directory bounded; trace_dumper.hpp) and, when
// COROSCOPE_TRACE_ON_SIGUSR2 asks for it, on SIGUSR2. The signal handler only counts; this
// service's thread writes.
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include <coroscope/base/env_error_line.hpp>
#include <coroscope/base/interval_pump.hpp>

#include "services.hpp"
#include "trace_dumper.hpp"

namespace coroscope::agent {
namespace {

constexpr auto kCheckInterval = std::chrono::milliseconds(250);

std::atomic<std::uint64_t> g_sigusr2_count{0};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

extern "C" void on_sigusr2(int) { g_sigusr2_count.fetch_add(1, std::memory_order_relaxed); }

/// SIGUSR2's handler, installed while at least one service asks for it; the previous
/// disposition comes back when the last one stops.
class sigusr2_handler {
 public:
  static void acquire() {
    std::lock_guard lock(mutex_);
    if (users_++ != 0) return;
    struct sigaction action {};
    action.sa_handler = on_sigusr2;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGUSR2, &action, &previous_);
  }
  static void release() {
    std::lock_guard lock(mutex_);
    if (--users_ == 0) sigaction(SIGUSR2, &previous_, nullptr);
  }

 private:
  static inline std::mutex mutex_;
  static inline unsigned users_ = 0;
  static inline struct sigaction previous_ {};
};

class trace_dir_service final : public service {
 public:
  explicit trace_dir_service(core::recording& recording) : recording_(recording) {}

  std::string_view name() const noexcept override { return "trace-dir"; }

  bool start() override {
    const resolved_options& options = recording_.options();
    if (options.trace_dir.empty()) {
      if (options.trace_on_sigusr2)
        env::report("COROSCOPE_TRACE_ON_SIGUSR2 needs COROSCOPE_TRACE_DIR; SIGUSR2 writes no trace");
      return false;
    }
    if (options.flight_recorder_bytes == 0) {
      env::report("COROSCOPE_TRACE_DIR is set but the flight recorder is off "
                  "(COROSCOPE_FLIGHT_RECORDER); no traces are written");
      return false;
    }
    std::error_code ec;
    std::filesystem::create_directories(options.trace_dir, ec);
    if (ec) {
      env::report("COROSCOPE_TRACE_DIR", options.trace_dir,
                  "cannot be created (" + ec.message() + "); no traces are written");
      return false;
    }
    dumper_ = std::make_unique<trace_dumper>(recording_, trace_dumper::options{options.trace_dir});
    sigusr2_ = options.trace_on_sigusr2;
    if (sigusr2_) {
      signals_seen_ = g_sigusr2_count.load(std::memory_order_relaxed);
      sigusr2_handler::acquire();
    }
    base::interval_pump::options pump;
    pump.interval = kCheckInterval;
    pump.thread_name = "coroscope-trace";
    pump.what = "flight recorder trace";
    pump.final_tick = true;  // lints that fired since the last check still get their trace
    pump_ = std::make_unique<base::interval_pump>(std::move(pump), [this](std::stop_token) {
      const std::uint64_t signals = g_sigusr2_count.load(std::memory_order_relaxed);
      const bool requested = sigusr2_ && signals != signals_seen_;
      signals_seen_ = signals;
      dumper_->poll(std::chrono::steady_clock::now(), requested);
    });
    pump_->start();
    return true;
  }

  void stop() override {
    if (pump_) pump_->stop();
    if (sigusr2_) sigusr2_handler::release();
  }

 private:
  core::recording& recording_;
  std::unique_ptr<trace_dumper> dumper_;
  std::unique_ptr<base::interval_pump> pump_;
  bool sigusr2_ = false;
  std::uint64_t signals_seen_ = 0;
};

}  // namespace

std::unique_ptr<service> make_trace_dir_service(core::recording& recording) {
  return std::make_unique<trace_dir_service>(recording);
}

}  // namespace coroscope::agent
