// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The HTTP debug endpoints (`COROSCOPE_HTTP`): pprof CPU and heap profiles, the task
// table as JSON (with async stacks on request), task dumps, the flight recorder's trace,
// Prometheus metrics. Off unless
// asked for.
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <coroscope/base/env_error_line.hpp>

#include "coroscope/debug_server.hpp"
#include "coroscope/metrics.hpp"
#include "coroscope/perfetto.hpp"
#include "heap_service.hpp"
#include "services.hpp"

namespace coroscope::agent {
namespace {

class http_service final : public service {
 public:
  explicit http_service(core::recording& recording) : recording_(recording) {}

  std::string_view name() const noexcept override { return "http"; }
  std::uint16_t port() const noexcept override { return server_ ? server_->port() : 0; }

  bool start() override {
    const resolved_options& options = recording_.options();
    if (options.http_address.empty()) return false;
    debug_server_options server;
    server.address = options.http_address;
    server.token = options.http_token;
    debug_sources sources;
    core::recording& r = recording_;
    sources.cpu_profile = [&r](std::chrono::seconds seconds, std::stop_token stop) {
      return r.profile_for(seconds, std::move(stop));
    };
    sources.tasks_json = [&r] { return tasks_json(r.take_snapshot()); };
    sources.tasks_json_with_stacks = [&r] { return tasks_json(r.take_snapshot(), r.dump_tasks()); };
    sources.task_dump_text = [&r] { return to_string(r.dump_tasks()); };
    sources.metrics_text = [&r] {
      return prometheus_text(r.take_snapshot(), read_process_stats());
    };
    sources.heap_profile = [] { return heap_profile_pprof(); };
    if (options.flight_recorder_bytes != 0) {
      sources.trace = [&r](std::chrono::seconds seconds) -> std::optional<std::string> {
        std::optional<timeline> window = r.trace_window(seconds, true);
        if (!window) return std::nullopt;
        return encode_perfetto(*window);
      };
    }
    try {
      server_ = std::make_unique<debug_server>(std::move(server), std::move(sources));
      std::fprintf(stderr, "coroscope: debug endpoints on http://%s/debug/pprof/\n",
                   server_->local_address().c_str());
      return true;
    } catch (const std::exception& e) {
      // The message names COROSCOPE_HTTP and shows its value (env::quoted).
      env::report(std::string("debug endpoints are off: ") + e.what());
      return false;
    }
  }

  void stop() override {
    if (server_) server_->stop();
  }

 private:
  core::recording& recording_;
  std::unique_ptr<debug_server> server_;
};

}  // namespace

std::unique_ptr<service> make_http_service(core::recording& recording) {
  return std::make_unique<http_service>(recording);
}

}  // namespace coroscope::agent
