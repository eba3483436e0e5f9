// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The sampled allocation path and the start/stop controls.
#include "heap_state.hpp"
#include "sampler_control.hpp"

#include <coroscope/base/frame_walk.hpp>
#include <coroscope/heap.hpp>

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <mutex>
#include <new>
#include <stdexcept>
#include <utility>

// Defined by the allocator entry points (interpose.cpp), which coroscope::heap and the
// preload library add; absent (null) when only coroscope::heap_core is linked. Hidden: the
// linker settles it within this program or library, so a program with its own copy of the
// sampler never takes a preloaded library's entry points for its own.
extern "C" [[gnu::weak, gnu::visibility("hidden")]] void coroscope_heap_interposed();

namespace coroscope::heap {
namespace detail {

constinit __thread thread_state t_heap __attribute__((tls_model("initial-exec"))) = {};

constinit std::atomic<heap_tables*> g_tables{nullptr};
constinit std::atomic<bool> g_running{false};
constinit std::atomic<std::uint32_t> g_epoch{1};
constinit std::atomic<sampling::context_hook> g_hook{nullptr};
constinit std::atomic<std::uint64_t> g_freed_sampled{0};
constinit std::atomic<std::uint64_t> g_sampled{0};
constinit std::atomic<std::uint64_t> g_dropped_table_full{0};
constinit std::atomic<std::uint64_t> g_site_table_full{0};

namespace {

constinit std::mutex g_control_mutex;

std::uint64_t realtime_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<std::uint64_t>(ts.tv_nsec);
}

void seed(thread_state& t) noexcept {
  std::uint64_t s = reinterpret_cast<std::uintptr_t>(&t) ^ realtime_ns() ^
                    (static_cast<std::uint64_t>(::syscall(SYS_gettid)) * 0x9E3779B97F4A7C15ULL);
  t.rng = s != 0 ? s : 0x2545F4914F6CDD1DULL;
}

// The thread's stack, for bounding the frame-pointer walk. pthread_getattr_np allocates
// (the caller is busy, so that is forwarded unsampled); a failure leaves {1, 1}: no walk.
void take_stack_bounds(thread_state& t) noexcept {
  const base::stack_bounds stack = base::current_thread_stack();
  const bool known = stack.high != 0;
  t.stack_low = known ? stack.low : 1;
  t.stack_high = known ? stack.high : 1;
}

}  // namespace

void record_sample(std::uintptr_t address, std::size_t size, const std::uintptr_t* pcs,
                   std::size_t depth, std::uint64_t time_ns) noexcept {
  heap_tables* tables = g_tables.load(std::memory_order_acquire);
  if (tables == nullptr) return;
  sampling::sample_context context;
  if (auto hook = g_hook.load(std::memory_order_acquire)) hook(context);
  context.task_name[sizeof context.task_name - 1] = '\0';
  const std::uint32_t site = tables->sites->intern(pcs, depth, context.task_name);
  if (site == site_table::kOverflowSite) g_site_table_full.fetch_add(1, std::memory_order_relaxed);
  const double weight = sample_weight(size, tables->interval);
  tables->sites->add_allocation(site, weight, weight * static_cast<double>(size));
  g_sampled.fetch_add(1, std::memory_order_relaxed);

  live_record record;
  record.address = address;
  record.size = size;
  record.weight = weight;
  record.time_ns = time_ns;
  record.site = site;
  record.worker = context.worker;
  record.task_id = context.task_id;
  record.has_trace = context.has_trace;
  if (context.has_trace) {
    for (std::size_t i = 0; i < 16; ++i) record.trace_id[i] = context.trace_id[i];
    for (std::size_t i = 0; i < 8; ++i) record.span_id[i] = context.span_id[i];
  }
  if (!tables->live->insert(record)) g_dropped_table_full.fetch_add(1, std::memory_order_relaxed);
}

void on_countdown_crossed(void* address, std::size_t size, void* frame) noexcept {
  thread_state& t = t_heap;
  if (t.busy) {
    // Our own allocations do not count: undo this one's share of the countdown.
    t.bytes_until_sample += countdown_bytes(size);
    return;
  }
  heap_tables* tables = g_tables.load(std::memory_order_acquire);
  const std::uint32_t epoch = g_epoch.load(std::memory_order_acquire);
  if (tables == nullptr || !g_running.load(std::memory_order_relaxed)) {
    t.bytes_until_sample = kIdleRecheckBytes;
    return;
  }
  if (t.rng == 0) seed(t);
  if (t.epoch != epoch) {
    // A countdown from before this start (or none yet): draw one and let this allocation
    // count against it.
    t.epoch = epoch;
    t.bytes_until_sample = draw_bytes_until_sample(t.rng, tables->interval) - countdown_bytes(size);
    if (t.bytes_until_sample >= 0) return;
  }
  t.bytes_until_sample = draw_bytes_until_sample(t.rng, tables->interval);
  if (address == nullptr) return;

  t.busy = true;
  if (t.stack_high == 0) take_stack_bounds(t);
  std::uintptr_t pcs[kMaxHeapFrames];
  std::size_t depth = 0;
  const auto fp = reinterpret_cast<std::uintptr_t>(frame);
  const auto here = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  if (t.stack_high > 1 && fp >= t.stack_low && fp < t.stack_high) {
    // Records lie above this function's own frame.
    depth = base::walk_frame_pointers(fp, {here < t.stack_low ? t.stack_low : here, t.stack_high},
                                      pcs, kMaxHeapFrames);
  } else if (fp != 0) {
    // No bounds (or a foreign stack): the interposer's own frame record is still ours to read.
    pcs[0] = reinterpret_cast<const std::uintptr_t*>(fp)[1];
    depth = 1;
  }
  record_sample(reinterpret_cast<std::uintptr_t>(address), size, pcs, depth, realtime_ns());
  t.busy = false;
}

heap_tables* current_tables() noexcept { return g_tables.load(std::memory_order_acquire); }

}  // namespace detail

void start(const heap_options& options) {
  if (options.sample_interval_bytes == 0)
    throw std::invalid_argument("coroscope heap: sample_interval_bytes must be at least 1");
  if (options.max_live_allocations == 0 || options.max_sites == 0)
    throw std::invalid_argument("coroscope heap: max_live_allocations and max_sites must be positive");
  detail::busy_scope busy;
  std::lock_guard lock(detail::g_control_mutex);
  detail::live_table* live = detail::live_table::create(options.max_live_allocations);
  detail::site_table* sites = detail::site_table::create(options.max_sites);
  if (live == nullptr || sites == nullptr) throw std::bad_alloc();
  // Never deleted: a free racing with the next start may still read it.
  auto* tables = new detail::heap_tables{live, sites, options.sample_interval_bytes, detail::realtime_ns()};
  detail::g_sampled.store(0, std::memory_order_relaxed);
  detail::g_freed_sampled.store(0, std::memory_order_relaxed);
  detail::g_dropped_table_full.store(0, std::memory_order_relaxed);
  detail::g_site_table_full.store(0, std::memory_order_relaxed);
  detail::reset_consumer_state();
  detail::g_tables.store(tables, std::memory_order_release);
  detail::g_epoch.fetch_add(1, std::memory_order_acq_rel);
  detail::g_running.store(true, std::memory_order_release);
  // The caller's next allocation redraws its countdown with the new interval.
  detail::t_heap.bytes_until_sample = 0;
}

void stop() {
  detail::busy_scope busy;
  std::lock_guard lock(detail::g_control_mutex);
  detail::g_running.store(false, std::memory_order_release);
  detail::g_epoch.fetch_add(1, std::memory_order_acq_rel);
}

bool interposed() noexcept { return &coroscope_heap_interposed != nullptr; }

bool running() noexcept { return detail::g_running.load(std::memory_order_acquire); }

bool exclude_current_thread(bool excluded) noexcept {
  // The busy flag the consumer functions set: the allocation path forwards without sampling.
  return std::exchange(detail::t_heap.busy, excluded);
}

void set_context_hook(sampling::context_hook hook) noexcept {
  detail::g_hook.store(hook, std::memory_order_release);
}

heap_stats stats() {
  heap_stats s;
  s.sampled = detail::g_sampled.load(std::memory_order_relaxed);
  s.freed_sampled = detail::g_freed_sampled.load(std::memory_order_relaxed);
  s.dropped_table_full = detail::g_dropped_table_full.load(std::memory_order_relaxed);
  s.site_table_full = detail::g_site_table_full.load(std::memory_order_relaxed);
  if (const detail::heap_tables* tables = detail::current_tables()) {
    s.sample_interval_bytes = tables->interval;
    s.live_capacity = tables->live->capacity();
    s.site_capacity = tables->sites->capacity();
  }
  return s;
}

}  // namespace coroscope::heap
