// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>

#include <boost/asio/io_context.hpp>

#include "aggregator.hpp"
#include "coroscope/detail/thread_state.hpp"
#include "coroscope/probe_options.hpp"
#include "debug_services.hpp"
#include "heap_profiling.hpp"
#include "otlp_export.hpp"
#include "probe_profiles.hpp"
#include "workers.hpp"

namespace coroscope::detail {

/// A probe's state: its options, its workers' slots, and its aggregator (registered with
/// the collector for the probe's lifetime). Registered with the hooks (probe_registry) so
/// that coroutines on its io_context become tasks and threads running it workers.
class probe_core {
 public:
  probe_core(boost::asio::io_context& io, const probe_options& options);
  ~probe_core();

  void run(unsigned threads);
  snapshot take_snapshot() const;
  unsigned short http_port() const noexcept { return services_ ? services_->http_port() : 0; }

  boost::asio::io_context& io;
  const resolved_options options;

 private:
  worker_table workers_;  // before id: the registry hands it out

 public:
  const std::uint16_t id;
  probe_profiles profiles;
  probe_heap heap;
  otlp_export otlp;

 private:
  void worker_main(unsigned index);

  mutable aggregator aggregator_;  // mutated only under the collector's lock
  bool recording_ = false;         // the hooks are on for this probe
  std::mutex failure_mutex_;
  std::exception_ptr failure_;
  std::unique_ptr<debug_services> services_;  // reads the aggregator: stopped first
};

}  // namespace coroscope::detail
