// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/probe.hpp"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "collector.hpp"
#include "coroscope/console_server.hpp"
#include "coroscope/detail/clock.hpp"
#include "coroscope/detail/task_factory.hpp"
#include <coroscope/env/error_line.hpp>
#include "probe_core.hpp"

namespace coroscope {
namespace detail {
namespace {

std::atomic<std::uint64_t> g_untracked_spawns{0};

/// Live probes by io_context, for `coroscope::co_spawn` on a plain io_context executor.
struct probe_registry {
  std::mutex mutex;
  std::map<const boost::asio::io_context*, std::uint16_t> by_context;
  std::uint16_t next_id = 1;
};

probe_registry& registry() {
  static probe_registry* r = new probe_registry;
  return *r;
}

std::uint16_t register_probe(const boost::asio::io_context& io) {
  probe_registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::uint16_t id = r.next_id++;
  if (r.next_id == 0) r.next_id = 1;  // ids wrap after 65535 probes
  r.by_context[&io] = id;
  return id;
}

void unregister_probe(const boost::asio::io_context& io, std::uint16_t id) {
  probe_registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto it = r.by_context.find(&io);
  if (it != r.by_context.end() && it->second == id) r.by_context.erase(it);
}

/// The executor of the io_context a task runs on, for its outstanding-work bookkeeping.
boost::asio::io_context::executor_type io_executor_of(const task_record& t) noexcept {
  return static_cast<boost::asio::io_context*>(t.io_context)->get_executor();
}

}  // namespace

void on_task_live(task_record& t) noexcept {
  record_state expected = record_state::created;
  if (!t.state.compare_exchange_strong(expected, record_state::live, std::memory_order_acq_rel))
    return;
  const thread_state& st = t_state;
  t.parent_id = st.current_task ? st.current_task->id : 0;
  event e = make_task_event(event_kind::task_spawn, t);
  e.a = t.parent_id;
  e.b = ticks();
  emit_event(e);
}

void on_first_tracked_copy(task_record& t) noexcept {
  io_executor_of(t).on_work_started();
  if (t.state.load(std::memory_order_relaxed) == record_state::created) on_task_live(t);
}

void on_last_tracked_copy(task_record& t) noexcept {
  io_executor_of(t).on_work_finished();
  record_state expected = record_state::live;
  if (!t.state.compare_exchange_strong(expected, record_state::completed,
                                       std::memory_order_acq_rel))
    return;
  event e = make_task_event(event_kind::task_complete, t);
  e.a = ticks();
  e.aux = t.failed ? 1 : 0;
  // Dropped (full ring): without its end the record would never go back to the pool.
  if (!emit_event(e)) task_pool::push_unreported(t);
}

void abandon_task_work(task_record& t) noexcept {
  if (t.tracked_refs.exchange(0, std::memory_order_acq_rel) > 0)
    io_executor_of(t).on_work_finished();
}

void mark_current_task_failed() noexcept {
  if (task_record* t = t_state.current_task) t->failed = true;
}

task_executor make_task_executor(std::uint16_t probe_id,
                                 const boost::asio::io_context::executor_type& inner,
                                 std::string_view name, const std::source_location& location) {
  std::uint32_t slot = 0;
  task_record* t = probe_id ? task_pool::acquire(probe_id, name, location, &slot) : nullptr;
  if (!t) {
    g_untracked_spawns.fetch_add(1, std::memory_order_relaxed);
    return task_executor(inner, nullptr, 0);
  }
  t->io_context = &boost::asio::query(inner, boost::asio::execution::context);
  return task_executor(inner, t, t->generation.load(std::memory_order_relaxed));
}

std::uint16_t probe_id_for(const boost::asio::io_context& io) noexcept {
  probe_registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto it = r.by_context.find(&io);
  return it == r.by_context.end() ? 0 : it->second;
}

probe_core::probe_core(boost::asio::io_context& io_context, const probe_options& opts)
    : io(io_context),
      options(resolve_options(opts)),
      id(register_probe(io_context)),
      profiles(options),
      otlp(options, profiles.sampler_options()),
      aggregator_(options, workers_.data()) {
  (void)ns_per_tick();  // calibrate the clock now, not on the first event
  collector::instance().add_probe(id, &aggregator_);
  services_ = std::make_unique<debug_services>(options, profiles,
                                               [this] { return take_snapshot(); });
}

probe_core::~probe_core() {
  services_.reset();
  collector::instance().remove_probe(id);
  aggregator_.release_all_slots();
  unregister_probe(io, id);
}

void probe_core::worker_main(unsigned index) {
  thread_state& st = t_state;
  const thread_state saved = st;
  st.worker = &workers_[index];
  st.probe = id;
  st.worker_index = static_cast<std::int16_t>(index);
  st.polls_since_unpark = 1;
  st.last_tick = 0;  // a timestamp from before this run says nothing about its wakes
  // Workers are always known to the sampler (a ring, no timer until sampling starts), so
  // a profile can start at any time. False: this thread was registered already.
  const bool registered_for_sampling = sampling::register_current_thread();

  clockid_t cpu_clock = CLOCK_THREAD_CPUTIME_ID;
  pthread_getcpuclockid(pthread_self(), &cpu_clock);
  event start{};
  start.kind = event_kind::worker_start;
  start.probe = id;
  start.worker = st.worker_index;
  start.a = ticks();
  start.b = static_cast<std::uint64_t>(cpu_clock);
  start.c = static_cast<std::uint64_t>(::syscall(SYS_gettid));
  emit_event(start);
  try {
    io.run();
  } catch (...) {
    {
      std::lock_guard lock(failure_mutex_);
      if (!failure_) failure_ = std::current_exception();
    }
    io.stop();
  }
  event stop{};
  stop.kind = event_kind::worker_stop;
  stop.probe = id;
  stop.worker = st.worker_index;
  stop.a = ticks();
  emit_event(stop);

  if (registered_for_sampling) sampling::unregister_current_thread();
  st.worker = saved.worker;
  st.probe = saved.probe;
  st.worker_index = saved.worker_index;
  st.polls_since_unpark = saved.polls_since_unpark;
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
  snapshot s = c.with_drained([&] {
    aggregator_.tick();  // lints and retention as of now, not as of the collector's last tick
    return aggregator_.build(c.dropped_events(),
                             g_untracked_spawns.load(std::memory_order_relaxed));
  });
  const sampling::sampler_stats sampler = sampling::stats();
  s.dropped_cpu_samples =
      sampler.dropped_ring_full + sampler.dropped_other + cpu_window_dropped_samples();
  return s;
}

}  // namespace detail

probe::probe(boost::asio::io_context& io, probe_options options)
    : core_(std::make_unique<detail::probe_core>(io, options)) {
  start_console();
}

// Stop serving before the core the console reads goes away.
probe::~probe() { console_.reset(); }

void probe::start_console() {
  const resolved_options& o = core_->options;
  if (o.console_address.empty()) return;
  console_options console;
  std::string error;
  if (!parse_console_address(o.console_address, console, error)) {
    std::fprintf(stderr, "coroscope: COROSCOPE_CONSOLE: %s\n", error.c_str());
    return;
  }
  console.token = o.console_token;
  try {
    console_ = std::make_unique<console_server>(make_console_source(*this), console);
    std::fprintf(stderr, "coroscope: console listening on %s:%u\n", console.host.c_str(),
                 static_cast<unsigned>(console_->port()));
  } catch (const std::exception& e) {
    env::report(std::string("COROSCOPE_CONSOLE: ") + e.what());
  }
}

std::uint16_t probe::http_port() const noexcept { return core_->http_port(); }

std::uint16_t probe::console_port() const noexcept { return console_ ? console_->port() : 0; }

task_executor probe::executor(std::string_view task_name, std::source_location location) {
  return detail::make_task_executor(core_->id, core_->io.get_executor(), task_name, location);
}

void probe::run(unsigned threads) { core_->run(threads); }

coroscope::snapshot probe::snapshot() const { return core_->take_snapshot(); }

const resolved_options& probe::options() const noexcept { return core_->options; }

boost::asio::io_context& probe::context() noexcept { return core_->io; }

std::uint16_t probe::id() const noexcept { return core_->id; }

void probe::start_cpu_profile() { core_->profiles.start(); }

cpu_profile probe::stop_cpu_profile() { return core_->profiles.stop(); }

cpu_profile probe::profile_cpu(std::chrono::nanoseconds duration) {
  return core_->profiles.profile_for(duration);
}

sampling::sampler_stats probe::sampler_stats() const { return sampling::stats(); }

}  // namespace coroscope
