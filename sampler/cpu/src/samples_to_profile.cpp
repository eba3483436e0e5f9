// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Raw samples -> coroscope::cpu_profile, off the signal path.
//
// How a sample taken inside a task becomes a stack (leaf first). The native stack of a
// worker holds the running coroutine's resume function on top of Asio's pump and the
// worker's run loop; the coroutines awaiting it are not on the native stack at all, only
// in the async chain the probe's hook recorded:
//
//   native pcs (leaf first)                 async_pcs (leaf first)       built stack
//   ──────────────────────────────          ─────────────────────        ──────────────────
//   [0] memcpy                                                           memcpy
//   [1] parse_body  ◄─ same function ────── [0] parse_body                parse_body
//   [2] awaitable_thread::pump  boundary ✗  [1] handle_request ────────►  handle_request
//   [3] executor_op::do_complete     ✗      [2] accept_loop    ────────►  accept_loop
//   [4] scheduler::do_run_one        ✗                                   task frame "accept-loop"
//   [5] io_context::run              ✗
//   [6] start_thread                 ✗
//
// The leaf-most poll boundary (frame_roles.cpp: Asio's coroutine pump, operation completion
// and run loop, thread start) separates the task's frames from the worker's.
// The running coroutine is looked for above it (leaf side): found, the native frames
// below it go (every task would otherwise share the same uninformative root) and the
// awaiting coroutines follow. Not found (the coroutine has suspended and Asio runs the
// initiation of what it awaits, e.g. a post or dispatch), the stack is cut at the
// boundary, or at `coroutine_handle::resume` when the walk lost the coroutine's own frame,
// and the whole async chain follows what is above it. So a task's stack never
// holds the worker's run loop or thread start. coroscope's own frames (the probe's
// executor, TIMED_AWAIT's timer, coroscope::co_spawn's wrapper coroutine, and what is
// inlined into them) are dropped wherever they are. A task without an async stack gets
// the task frame right above the boundary; samples outside tasks keep their native stack
// as is.
#include <algorithm>
#include <cstdio>
#include <limits>
#include <string>
#include <unordered_map>

#include "coroscope/sampler.hpp"
#include "coroscope/base/hex.hpp"
#include "coroscope/function_names.hpp"
#include "frame_roles.hpp"

namespace coroscope {
namespace {

using sampling::kMaxAsyncFrames;
using sampling::kMaxFrames;
using sampling::raw_sample;

// The profile's frame table as the builder fills it: a frame the symbol cache returns for
// many samples (the same `frame::id`) is stored once, and so is each task's frame.
class frame_table {
 public:
  explicit frame_table(cpu_profile& profile) : profile_(profile) {}

  std::uint32_t index_of(const frame& f) {
    if (f.id == 0) return profile_.add_frame(f);
    auto [it, inserted] = by_id_.try_emplace(f.id, 0);
    if (inserted) it->second = profile_.add_frame(f);
    return it->second;
  }

  std::uint32_t task_frame(std::string name) {
    auto [it, inserted] = by_task_name_.try_emplace(std::move(name), 0);
    if (inserted) {
      frame root;
      root.function = it->first;
      root.is_task_frame = true;
      it->second = profile_.add_frame(std::move(root));
    }
    return it->second;
  }

  const frame& operator[](std::uint32_t index) const { return profile_.frames[index]; }

 private:
  cpu_profile& profile_;
  std::unordered_map<std::uint64_t, std::uint32_t> by_id_;
  std::unordered_map<std::string, std::uint32_t> by_task_name_;
};

// The frames of a task's stack being built, and which of them are coroscope's own: a
// probe function's frame, and the frames of code inlined into one (its helpers, which
// DWARF names without their namespace: `pop_free`, not `coroscope::detail::pop_free`).
class task_stack_builder {
 public:
  task_stack_builder(std::vector<std::uint32_t>& stack, frame_table& table, detail::frame_role_cache& roles)
      : stack_(stack), table_(table), roles_(roles) {}

  // Appends the frames of one address (innermost inlined frame first). Frames of the
  // native walk (`native`) stop at the leaf-most poll boundary, which is not appended:
  // what lies beyond it is the worker's, and a task's stack never keeps it (so it is
  // neither stored nor, further out, symbolized).
  void append(const std::vector<frame>& frames, bool native = false) {
    const bool in_probe_function = !frames.empty() && role(frames.back()) == detail::frame_role::probe_internal;
    for (const frame& f : frames) {
      const detail::frame_role r = role(f);
      if (native && r == detail::frame_role::poll_boundary) {
        boundary_ = stack_.size();
        return;
      }
      stack_.push_back(table_.index_of(f));
      probe_.push_back(in_probe_function || r == detail::frame_role::probe_internal);
    }
  }
  bool reached_boundary() const { return boundary_ != npos; }

  // The index of the leaf-most frame of `wanted` role before `end`, or `end`.
  std::size_t first_of(detail::frame_role wanted, std::size_t end) {
    std::size_t i = 0;
    while (i < end && role(table_[stack_[i]]) != wanted) ++i;
    return i;
  }
  // The index of the leaf-most frame of `function` before `end`, or `end`.
  std::size_t find_function(const std::string& function, std::size_t end) const {
    std::size_t i = 0;
    while (i < end && table_[stack_[i]].function != function) ++i;
    return i;
  }
  // Where the native frames end: the leaf-most poll boundary, or the walk's end.
  std::size_t boundary() const { return reached_boundary() ? boundary_ : stack_.size(); }

  void truncate(std::size_t size) {
    stack_.resize(size);
    probe_.resize(size);
  }

  void drop_probe_frames() {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < stack_.size(); ++i) {
      if (probe_[i]) continue;
      stack_[kept++] = stack_[i];
    }
    truncate(kept);
  }

 private:
  detail::frame_role role(const frame& f) { return roles_.role(f); }

  static constexpr std::size_t npos = ~std::size_t{0};

  std::vector<std::uint32_t>& stack_;
  frame_table& table_;
  detail::frame_role_cache& roles_;
  std::vector<char> probe_;
  std::size_t boundary_ = npos;  // set by a native append
};

// The function a code address lies in: the outermost of its (inlined) frames.
std::string function_at(frame_resolver& symbols, std::uintptr_t pc) {
  const std::vector<frame>& frames = symbols.symbolize(pc, false);
  return frames.empty() ? std::string() : frames.back().function;
}

// The task's name as it was when sampled; else, for a task the probe had not named yet,
// its coroutine function's; else empty.
std::string task_name_of(const sampling::sample_context& ctx, frame_resolver& symbols) {
  const std::size_t name_len = std::find(ctx.task_name, ctx.task_name + sizeof ctx.task_name, '\0') - ctx.task_name;
  if (name_len > 0) return std::string(ctx.task_name, name_len);
  if (ctx.task_id == 0 || ctx.entry_fn == 0) return {};
  return coroutine_task_name(function_at(symbols, ctx.entry_fn));
}

std::vector<std::uint32_t> build_stack(const raw_sample& raw, const std::string& task_name,
                                       frame_resolver& symbols, detail::frame_role_cache& roles,
                                       frame_table& table) {
  std::vector<std::uint32_t> stack;
  const std::size_t depth = std::min<std::size_t>(raw.depth, kMaxFrames);
  stack.reserve(depth + 8);
  const sampling::sample_context& ctx = raw.context;
  if (ctx.task_id == 0) {
    for (std::size_t i = 0; i < depth; ++i)
      for (const frame& f : symbols.symbolize(raw.pcs[i], i > 0)) stack.push_back(table.index_of(f));
    return stack;
  }

  task_stack_builder task(stack, table, roles);
  for (std::size_t i = 0; i < depth && !task.reached_boundary(); ++i)
    task.append(symbols.symbolize(raw.pcs[i], i > 0), true);
  // The task's frames are those above the leaf-most poll boundary.
  const std::size_t boundary = task.boundary();
  std::size_t task_end = boundary;
  const std::size_t async_depth = std::min<std::size_t>(ctx.async_depth, kMaxAsyncFrames);
  std::size_t first_async = 0;  // async frames from this index on are appended
  if (async_depth > 0) {
    const std::string running = function_at(symbols, ctx.async_pcs[0]);
    if (!running.empty()) {
      if (const std::size_t at = task.find_function(running, boundary); at != boundary) {
        task_end = at + 1;
        first_async = 1;
      } else {
        // A frame-pointer walk loses a function's caller while the function is entering or
        // leaving (its frame is not linked yet): a leaf called by the running coroutine
        // then sits right on `coroutine_handle::resume`. What is above that runs inside
        // the running coroutine, so the whole async chain follows it.
        task_end = task.first_of(detail::frame_role::coroutine_resume, boundary);
      }
    }
  }
  task.truncate(task_end);
  for (std::size_t i = first_async; i < async_depth; ++i) task.append(symbols.symbolize(ctx.async_pcs[i], false));
  task.drop_probe_frames();

  stack.push_back(table.task_frame(!task_name.empty() ? task_name
                                                     : "task#" + std::to_string(ctx.task_id)));
  return stack;
}

std::map<std::string, std::string> labels_of(const sampling::sample_context& ctx,
                                             const std::string& task_name) {
  std::map<std::string, std::string> labels;
  if (ctx.task_id != 0) {
    labels["task_id"] = std::to_string(ctx.task_id);
    if (!task_name.empty()) labels["task"] = task_name;
  }
  if (ctx.worker >= 0) labels["worker"] = std::to_string(ctx.worker);
  if (ctx.has_trace) {
    labels["trace_id"] = base::hex(ctx.trace_id, sizeof ctx.trace_id);
    labels["span_id"] = base::hex(ctx.span_id, sizeof ctx.span_id);
  }
  return labels;
}

}  // namespace

cpu_profile build_cpu_profile(std::span<const sampling::raw_sample> samples,
                              frame_resolver& symbols, std::int64_t period_ns,
                              std::uint64_t start_ns, std::uint64_t duration_ns) {
  cpu_profile profile;
  profile.period_ns = period_ns;
  profile.samples.reserve(samples.size());
  std::uint64_t first = std::numeric_limits<std::uint64_t>::max(), last = 0;
  detail::frame_role_cache roles;
  frame_table table(profile);
  for (const raw_sample& raw : samples) {
    sample s;
    const std::string task_name = task_name_of(raw.context, symbols);
    s.stack = build_stack(raw, task_name, symbols, roles, table);
    s.count = 1;
    s.cpu_ns = static_cast<std::int64_t>(raw.weight_ns);
    s.labels = labels_of(raw.context, task_name);
    s.timestamp_ns = raw.timestamp_ns;
    first = std::min(first, raw.timestamp_ns);
    last = std::max(last, raw.timestamp_ns);
    profile.samples.push_back(std::move(s));
  }
  if (start_ns == 0 && !samples.empty()) start_ns = first;
  if (duration_ns == 0 && !samples.empty() && last >= start_ns)
    duration_ns = last - start_ns + static_cast<std::uint64_t>(std::max<std::int64_t>(period_ns, 0));
  profile.start_ns = start_ns;
  profile.duration_ns = duration_ns;
  return profile;
}

}  // namespace coroscope
