// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/this_task.hpp"

#include <algorithm>

#include "coroscope/detail/thread_state.hpp"

namespace coroscope::this_task {
namespace {

std::uint64_t load_be64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
  return v;
}

}  // namespace

bool set_trace_context(const trace_context& ctx) noexcept {
  using namespace coroscope::detail;
  task_record* t = t_state.ctx.current_task;
  if (!t) return false;
  std::copy(ctx.trace_id.begin(), ctx.trace_id.end(), t->trace_id);
  std::copy(ctx.span_id.begin(), ctx.span_id.end(), t->span_id);
  t->trace_flags = ctx.flags;
  t->has_trace = ctx.valid();
  emit_event(make_trace_event(source_of(*t), {load_be64(t->trace_id), load_be64(t->trace_id + 8),
                                               load_be64(t->span_id)}));
  return true;
}

std::optional<trace_context> current_trace_context() noexcept {
  const detail::task_record* t = detail::t_state.ctx.current_task;
  if (!t || !t->has_trace) return std::nullopt;
  trace_context ctx;
  std::copy(t->trace_id, t->trace_id + 16, ctx.trace_id.begin());
  std::copy(t->span_id, t->span_id + 8, ctx.span_id.begin());
  ctx.flags = t->trace_flags;
  return ctx;
}

std::uint64_t id() noexcept {
  const detail::task_record* t = detail::t_state.ctx.current_task;
  return t ? t->id : 0;
}

}  // namespace coroscope::this_task
