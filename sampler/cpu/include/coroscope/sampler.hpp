// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "coroscope/profile.hpp"

/// The CPU stack sampler: a per-thread POSIX timer sends SIGPROF to each registered
/// thread; the signal handler walks the stack and writes one fixed-size `raw_sample` into
/// that thread's lock-free ring; a consumer drains the rings and turns the samples into a
/// `coroscope::cpu_profile` with `build_cpu_profile`, off the signal path.
///
/// Signals are process-wide, so the sampler is too: the functions below act on one
/// process-wide sampler. Control functions (`configure`, `start`, `stop`, `register_*`,
/// `drain`, `stats`) may be called from any thread; they serialize on an internal mutex
/// that the signal handler never takes.
namespace coroscope::sampling {

/// Native frames recorded per sample.
inline constexpr std::size_t kMaxFrames = 64;
/// Logical (coroutine) frames recorded per sample.
inline constexpr std::size_t kMaxAsyncFrames = 32;

/// What the probe knows about the interrupted thread: filled inside the signal handler by
/// the `context_hook`. Trivially copyable; starts zeroed for every sample.
struct sample_context {
  std::uint64_t task_id = 0;  ///< 0: not inside a task
  std::int32_t worker = -1;   ///< probe worker index, -1 elsewhere
  char task_name[48] = {};    ///< NUL-terminated, truncated
  /// While the task has no name yet (the probe names tasks off the hot path): the resume
  /// function of its own coroutine, if known, which the profile names it after. 0 else.
  std::uintptr_t entry_fn = 0;
  bool has_trace = false;
  std::uint8_t trace_id[16] = {};
  std::uint8_t span_id[8] = {};
  std::uint16_t async_depth = 0;
  /// Leaf first: each is the resume-function (entry) address of an awaiting coroutine
  /// frame. async_pcs[0] is the running coroutine.
  std::uintptr_t async_pcs[kMaxAsyncFrames] = {};
};

/// Called inside the signal handler on the sampled thread. Must be async-signal-safe:
/// read thread-locals, no locks, no allocation.
using context_hook = void (*)(sample_context&) noexcept;

/// One sample as the signal handler writes it.
struct raw_sample {
  std::uint64_t timestamp_ns;  ///< CLOCK_REALTIME
  /// CPU (or wall) ns this sample stands for: the timer period in effect, times
  /// (1 + timer overruns).
  std::uint64_t weight_ns;
  std::int32_t tid;
  std::uint16_t depth;  ///< number of pcs
  /// pcs[0] = interrupted instruction pointer, then return addresses.
  std::uintptr_t pcs[kMaxFrames];
  sample_context context;
};

/// Which clock drives the timers.
enum class sample_clock {
  cpu,  ///< CLOCK_THREAD_CPUTIME_ID: only running threads are sampled
  wall  ///< CLOCK_MONOTONIC: sleeping threads too (their blocking calls may see EINTR)
};

/// How the signal handler walks the stack.
enum class unwinder {
  /// Frame pointers (needs -fno-omit-frame-pointer; the fastest, always signal-safe).
  frame_pointer,
  /// libunwind (`unw_init_local2` with UNW_INIT_SIGNAL_FRAME) for code without frame
  /// pointers. Caveat: libunwind 1.6.2 takes the loader lock (dl_iterate_phdr) while
  /// stepping, so a sample that interrupts `dlopen`/`dlclose` on the same thread can
  /// deadlock. Do not use it where threads load or unload libraries while sampled.
  libunwind
};

/// Settings; change them with `configure` while stopped.
struct sampler_options {
  unsigned frequency_hz = 99;       ///< COROSCOPE_SAMPLE_HZ; 1..100000
  sample_clock clock = sample_clock::cpu;
  unwinder unwind = unwinder::frame_pointer;
  double max_overhead = 0.01;       ///< COROSCOPE_MAX_OVERHEAD: fraction of one CPU, (0, 1]
  /// Ring capacity per thread, rounded up to a power of two; full -> drop and count.
  /// Applies to threads registered after `configure`.
  std::size_t ring_samples = 512;
};

/// Counters since the process started (or since `fork` in a child).
struct sampler_stats {
  std::uint64_t samples = 0;            ///< samples written into rings
  std::uint64_t dropped_ring_full = 0;  ///< signals dropped because the thread's ring was full
  /// Signals dropped for another reason: no ring (unregistered thread), recursion.
  std::uint64_t dropped_other = 0;
  double requested_hz = 0;              ///< frequency_hz
  double effective_hz = 0;              ///< the rate the governor runs the timers at now
  /// Handler cost x effective rate: the fraction of a sampled thread's CPU the handler uses
  /// (signal delivery and return are not included).
  double measured_overhead = 0;
  std::uint64_t mean_sample_cost_ns = 0;  ///< mean handler time per sample
  unsigned threads = 0;                   ///< registered, live threads
};

/// Sets the options. Throws std::invalid_argument (one-line message) for a bad value and
/// std::logic_error while running.
void configure(const sampler_options& options);
/// The options in effect.
sampler_options options();

/// Installs the SIGPROF handler (once; it stays installed) and arms a timer on every
/// registered thread. Returns false if a timer could not be created or armed on some
/// thread (the others sample). Throws std::system_error if the handler cannot be
/// installed. No-op when running.
bool start();
/// Deletes every timer. On return no handler is still writing a sample, and no new sample
/// is recorded until the next `start`.
void stop();
/// True between `start` and `stop`.
bool running() noexcept;

/// Registers the calling thread: allocates its ring and takes its stack bounds; when
/// running, arms its timer at once. The thread unregisters itself when it exits. Returns
/// false if the thread was already registered or the ring could not be allocated.
bool register_current_thread();
/// Unregisters the calling thread: its timer is deleted; samples still in its ring stay
/// there until drained. No-op for an unregistered thread.
void unregister_current_thread();

/// The hook the signal handler calls to fill `sample_context`; nullptr for none.
void set_context_hook(context_hook hook) noexcept;

/// Consumer side: appends every pending sample of every ring (also of threads that have
/// exited since) to `out`, oldest first per thread. One consumer at a time; never blocks
/// the sampled threads. Returns the number of samples appended.
std::size_t drain(std::vector<raw_sample>& out);

/// Current counters and rates.
sampler_stats stats();

}  // namespace coroscope::sampling

namespace coroscope {

/// What the profile builder needs from a symbolizer. `coroscope::symbolizer` fits the
/// template overload of `build_cpu_profile` directly; tests implement this interface.
class frame_resolver {
 public:
  virtual ~frame_resolver() = default;
  /// Frames at `pc`, innermost inlined frame first; never empty. `return_address`: the pc
  /// is a return address from a stack walk (look up pc-1).
  /// Frames with an `id` (`frame::id`, as the symbol cache gives) are stored once in the
  /// profile's frame table however many samples name them, so an id must stand for one
  /// frame only (every field equal), as `frame::id` requires; frames with id 0 are stored
  /// for each sample that names them.
  virtual const std::vector<frame>& symbolize(std::uintptr_t pc, bool return_address) = 0;
};

/// Turns raw samples into the exporter's model, off the signal path. Each sample becomes
/// one `coroscope::sample` (count 1, cpu_ns = weight_ns, its timestamp) with labels
/// `task`, `task_id`, `worker`, `trace_id` (32 hex), `span_id` (16 hex) when known. Stacks
/// are leaf first; inside a task, the awaiting coroutine chain replaces the native frames
/// below the running coroutine (or, when it is not on the native stack, below the
/// leaf-most poll boundary: never the worker's run loop or thread start), coroscope's own
/// frames are left out, and a task frame (`is_task_frame`, function = task name, one
/// entry of the frame table per task name) is the root (see samples_to_profile.cpp for
/// the exact rules). `start_ns` and `duration_ns` of 0 are taken from the samples'
/// timestamps.
cpu_profile build_cpu_profile(std::span<const sampling::raw_sample> samples,
                              frame_resolver& symbols, std::int64_t period_ns,
                              std::uint64_t start_ns = 0, std::uint64_t duration_ns = 0);

namespace detail {
template <typename Symbolizer>
class frame_resolver_ref final : public frame_resolver {
 public:
  explicit frame_resolver_ref(Symbolizer& s) : symbols_(s) {}
  const std::vector<frame>& symbolize(std::uintptr_t pc, bool return_address) override {
    return symbols_.symbolize(pc, return_address);
  }

 private:
  Symbolizer& symbols_;
};
}  // namespace detail

/// The same, with any symbolizer that has `symbolize(pc, return_address)` returning
/// `const std::vector<frame>&` (e.g. `coroscope::symbolizer`).
template <typename Symbolizer>
  requires(!std::derived_from<Symbolizer, frame_resolver>) &&
          requires(Symbolizer& s, std::uintptr_t pc) {
            { s.symbolize(pc, true) } -> std::convertible_to<const std::vector<frame>&>;
          }
cpu_profile build_cpu_profile(std::span<const sampling::raw_sample> samples,
                              Symbolizer& symbols, std::int64_t period_ns,
                              std::uint64_t start_ns = 0, std::uint64_t duration_ns = 0) {
  detail::frame_resolver_ref<Symbolizer> ref(symbols);
  return build_cpu_profile(samples, static_cast<frame_resolver&>(ref), period_ns, start_ns,
                           duration_ns);
}

}  // namespace coroscope
