// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>

#include <boost/asio/io_context.hpp>

#include "aggregator.hpp"
#include "coroscope/core/recording.hpp"
#include "coroscope/detail/thread_state.hpp"
#include "coroscope/probe_options.hpp"
#include "probe_profiles.hpp"
#include "self_cost.hpp"
#include "workers.hpp"

namespace coroscope::detail {

/// A probe's recording: its options, its workers' slots, and its aggregator (registered
/// with the collector until `detach`). Registered with the hooks (probe_registry) so that
/// coroutines on its io_context become tasks and threads running it workers. The services
/// a probe runs over it are the agent's (agent/).
class probe_core final : public core::recording {
 public:
  probe_core(boost::asio::io_context& io, const probe_options& options);
  ~probe_core() override;

  void run(unsigned threads) override;
  snapshot take_snapshot() const override;
  task_dump dump_tasks() const override;
  task_dump dump_task(std::uint64_t id) const override;
  const resolved_options& options() const noexcept override { return options_; }
  std::optional<timeline> trace_window(std::chrono::nanoseconds last, bool cpu_samples,
                                       timeline_cursor* after = nullptr) const override;
  std::vector<core::lint_firing> lints_since(std::uint64_t after) const override;
  std::uint16_t id() const noexcept override { return id_; }
  cpu_profile profile_for(std::chrono::nanoseconds duration, std::stop_token stop) override {
    return profiles_.profile_for(duration, std::move(stop));
  }
  const sampling::sampler_options& sampler_options() const noexcept override {
    return profiles_.sampler_options();
  }
  task_executor executor(std::string_view task_name, std::source_location location) override;
  boost::asio::io_context& context() noexcept override { return io_; }
  void start_cpu_profile() override { profiles_.start(); }
  cpu_profile stop_cpu_profile() override { return profiles_.stop(); }
  void detach() noexcept override;

 private:
  /// CPU samples the recent-samples store lost while this probe's recorder held it.
  std::uint64_t recent_samples_lost() const;
  void worker_main(unsigned index);
  task_dump dump(std::uint64_t only) const;  // 0: every task

  boost::asio::io_context& io_;
  const resolved_options options_;
  worker_table workers_;  // before id_: the registry hands it out
  const std::uint16_t id_;
  probe_profiles profiles_;
  mutable aggregator aggregator_;  // mutated only under the collector's lock
  // The process-wide loss counters when this probe started: a probe reports only the
  // events and CPU samples lost while it existed, not those of the probes before it.
  std::uint64_t dropped_events_at_start_ = 0;
  std::uint64_t dropped_samples_at_start_ = 0;
  std::uint64_t lost_recent_samples_at_start_ = 0;  // recent_cpu_samples().lost()
  self_cost_meter self_cost_;      // its CPU counters start with the probe
  bool recording_ = false;         // the hooks are on for this probe
  bool attached_ = true;           // registered with the hooks and the collector
  std::mutex failure_mutex_;
  std::exception_ptr failure_;
};

}  // namespace coroscope::detail
