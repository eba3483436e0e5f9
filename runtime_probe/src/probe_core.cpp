// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "probe_core.hpp"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <utility>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/detail/scheduler.hpp>
#include <boost/asio/detail/thread_context.hpp>

#include "collector.hpp"
#include "coroscope/detail/asio_layout.hpp"
#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/poll_hooks.hpp"
#include "layout_check.hpp"
#include "park_scope.hpp"
#include "probe_registry.hpp"
#include "recent_samples.hpp"
#include "timeline_counters.hpp"
#include "trace_samples.hpp"

namespace coroscope {
namespace detail {
namespace {

std::atomic<std::uint64_t> g_untracked_executors{0};

/// The key Asio's run loop puts on a running thread's call stack for `io`.
const void* run_key_of(boost::asio::io_context& io) {
  auto& scheduler = boost::asio::use_service<boost::asio::detail::scheduler>(io);
  return static_cast<const boost::asio::detail::thread_context*>(&scheduler);
}

std::uint16_t register_probe(boost::asio::io_context& io, worker_table& workers) {
  const std::uint16_t id = probe_registry::add(
      static_cast<const boost::asio::execution_context*>(&io), run_key_of(io), &workers);
  if (id == 0)
    throw std::runtime_error("coroscope: more than " +
                             std::to_string(probe_registry::kMaxProbes) + " probes at once");
  return id;
}

}  // namespace

std::uint64_t untracked_spawns() noexcept;

namespace {

/// CPU samples lost process-wide since the process started: full sampler rings, signals on
/// unregistered threads, profile windows at their distinct-stack bound.
std::uint64_t dropped_cpu_samples_total() {
  const sampling::sampler_stats sampler = sampling::stats();
  return sampler.dropped_ring_full + sampler.dropped_other + cpu_window_dropped_samples();
}

}  // namespace

void mark_current_task_failed() noexcept {
  if (task_record* t = t_state.ctx.current_task) t->failed = true;
}

probe_core::probe_core(boost::asio::io_context& io_context, const probe_options& opts)
    : io_(io_context),
      options_(resolve_options(opts)),
      workers_(),
      id_(register_probe(io_context, workers_)),
      profiles_(options_),
      aggregator_(options_, workers_, collector::instance().naming_locked()) {
  (void)ns_per_tick();  // calibrate the clock now, not on the first event
  measure_asio_layout();
  g_sampling_target_ticks.store(ns_to_ticks(kSamplingTargetNs), std::memory_order_relaxed);
  g_fixed_timing_interval.store(options_.timing_interval, std::memory_order_relaxed);
  // Before the hooks see this probe: every drop counted after this is one while it exists.
  dropped_events_at_start_ = collector::instance().dropped_events();
  dropped_samples_at_start_ = dropped_cpu_samples_total();
  collector::instance().add_probe(id_, &aggregator_);
  // Once per process: a mismatch is reported, and no probe records (its layout is wrong).
  static const bool hooked = asio_scheduler_has_hooks();
  recording_ = hooked;
  if (recording_) g_live_probes.fetch_add(1, std::memory_order_acq_rel);
  if (options_.flight_recorder_bytes != 0) {
    g_flight_recorders.fetch_add(1, std::memory_order_relaxed);
    // The window's CPU samples: kept while sampling runs, which the recorder keeps on.
    lost_recent_samples_at_start_ = recent_cpu_samples().lost();
    recent_cpu_samples().keep(options_.flight_recorder_window,
                              recorder_sample_bytes(options_.flight_recorder_bytes));
    profiles_.hold_sampling();
  }
}

probe_core::~probe_core() { detach(); }

void probe_core::detach() noexcept {
  if (!std::exchange(attached_, false)) return;
  if (recording_) g_live_probes.fetch_sub(1, std::memory_order_acq_rel);
  if (options_.flight_recorder_bytes != 0) {
    g_flight_recorders.fetch_sub(1, std::memory_order_relaxed);
    profiles_.release_sampling();
    recent_cpu_samples().release(options_.flight_recorder_window,
                                 recorder_sample_bytes(options_.flight_recorder_bytes));
  }
  probe_registry::remove(id_);
  collector::instance().remove_probe(id_);
  aggregator_.release_all_slots();
}

void probe_core::worker_main(unsigned) {
  // False: this thread is a worker of this probe already (it ran the io_context before).
  const bool became = become_worker(workers_, id_);
  try {
    io_.run();
  } catch (...) {
    {
      std::lock_guard lock(failure_mutex_);
      if (!failure_) failure_ = std::current_exception();
    }
    io_.stop();
  }
  if (became) stop_being_worker();
}

void probe_core::run(unsigned threads) {
  threads = std::clamp(threads, 1u, kMaxWorkers);
  failure_ = nullptr;
  std::vector<std::thread> extra;
  extra.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i) {
    extra.emplace_back([this, i] {
      const std::string name = "coroscope-w" + std::to_string(i);
      pthread_setname_np(pthread_self(), name.c_str());
      worker_main(i);
    });
  }
  worker_main(0);  // the caller keeps its own thread name
  for (std::thread& t : extra) t.join();
  if (failure_) std::rethrow_exception(failure_);
}

snapshot probe_core::take_snapshot() const {
  collector& c = collector::instance();
  self_cost_inputs self_inputs;
  snapshot s = c.with_drained([&] {
    aggregator_.tick();  // lints and retention as of now, not as of the collector's last tick
    self_inputs.events = aggregator_.events_applied();
    self_inputs.table_bytes = aggregator_.table_bytes();
    self_inputs.recorder_bytes = aggregator_.recorder_bytes();
    self_inputs.recorder_lost_events = aggregator_.recorder_lost();
    return aggregator_.build(count_since(c.dropped_events(), dropped_events_at_start_),
                             untracked_spawns() +
                                 g_untracked_executors.load(std::memory_order_relaxed),
                             c.live_sites_locked(id_));
  });
  for (const worker_info& w : s.workers) self_inputs.polls += w.polls;
  if (aggregator_.recorder_on()) {
    self_inputs.recorder_bytes += recent_cpu_samples().bytes();
    self_inputs.recorder_lost_samples = recent_samples_lost();
  }
  s.self = self_cost_.measure(self_inputs);
  s.dropped_cpu_samples = count_since(dropped_cpu_samples_total(), dropped_samples_at_start_);
  return s;
}

std::uint64_t probe_core::recent_samples_lost() const {
  return count_since(recent_cpu_samples().lost(), lost_recent_samples_at_start_);
}

std::optional<timeline> probe_core::trace_window(std::chrono::nanoseconds last, bool cpu_samples,
                                                 timeline_cursor* after) const {
  if (!aggregator_.recorder_on()) return std::nullopt;
  // The window's samples: those of its last `last`, never older than this recorder's time
  // bound (the store keeps samples for the longest window of all recorders).
  const auto now = static_cast<std::uint64_t>(monotonic_ns());
  std::uint64_t since = 0;
  for (std::chrono::nanoseconds bound : {last, options_.flight_recorder_window})
    if (bound.count() > 0 && now > static_cast<std::uint64_t>(bound.count()))
      since = std::max(since, now - static_cast<std::uint64_t>(bound.count()));
  const std::uint64_t lost_samples = cpu_samples ? recent_samples_lost() : 0;
  collector& c = collector::instance();
  std::vector<queued_interval> queued;
  std::optional<timeline> window = c.with_drained([&] {
    aggregator_.tick();  // task names resolved as of now
    return aggregator_.trace_window(
        last, count_since(c.dropped_events(), dropped_events_at_start_) + lost_samples, queued, after);
  });
  if (!window) return window;
  add_counters(*window, queued, counter_step_ns(window->end_ns - window->begin_ns));
  // Samples older than the oldest event kept would start the window where its events have
  // been evicted: the window's span is its events'.
  if (window->end_ns != 0) since = std::max(since, window->begin_ns);
  if (cpu_samples) add_recent_samples(*window, since);  // off the collector's lock
  return window;
}

std::vector<core::lint_firing> probe_core::lints_since(std::uint64_t after) const {
  if (!aggregator_.recorder_on()) return {};
  return collector::instance().with_drained([&] { return aggregator_.lints_since(after); });
}

task_dump probe_core::dump_tasks() const { return dump(0); }

task_dump probe_core::dump_task(std::uint64_t id) const { return id ? dump(id) : task_dump{}; }

task_dump probe_core::dump(std::uint64_t only) const {
  task_dump dump;
  std::vector<walked_task> walked = collector::instance().with_drained([&] {
    // Names of tasks spawned since the collector's last tick (one task's stack needs none).
    if (only == 0) aggregator_.tick();
    return aggregator_.walk_live_tasks(only, &dump.ended_while_taken);
  });
  // Symbolized off the collector's lock: a first lookup may parse DWARF for a while.
  dump.service_name = options_.service_name;
  dump.taken = std::chrono::system_clock::now();
  symbolize_async_stacks(walked);
  dump.tasks.reserve(walked.size());
  for (walked_task& w : walked) dump.tasks.push_back(std::move(w.task));
  return dump;
}

task_executor probe_core::executor(std::string_view task_name, std::source_location location) {
  std::uint32_t slot = 0;
  task_record* t = task_pool::acquire(
      id_, task_name, {location.file_name(), location.line(), location.function_name()}, &slot);
  if (!t) {
    g_untracked_executors.fetch_add(1, std::memory_order_relaxed);
    return task_executor(io_.get_executor(), nullptr, 0);
  }
  return task_executor(io_.get_executor(), t, t->generation.load(std::memory_order_relaxed));
}

}  // namespace detail

namespace core {

std::unique_ptr<recording> start_recording(boost::asio::io_context& io,
                                           const probe_options& options) {
  return std::make_unique<detail::probe_core>(io, options);
}

}  // namespace core
}  // namespace coroscope
