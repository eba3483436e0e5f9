// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Task dumps walk the coroutine chain of a task that another thread may resume at any
// moment. The chain is stable while the task is suspended, and it stops being so only by
// a resumption, which is either a poll (poll_begins goes up as it begins, polls as it
// ends) or an inline resumption Asio runs inside another poll (polls goes up, and Asio
// attaches the coroutine thread to the leaf frame first). So the walk reads both counts
// and the leaf before and after, and keeps what it read only when nothing moved: the
// sampler's seqlock (sample_context.cpp) seen from the outside. A frame freed during the
// walk may hold anything, a malloc free-list pointer mangled by glibc among it, and memory
// may be unmapped under us: every load goes through foreign_memory (process_vm_readv), so
// garbage ends the walk, which the check then throws away, and never faults the program.
#include "task_walk.hpp"

#include <atomic>
#include <optional>
#include <string>
#include <unordered_map>

#include "coroscope/detail/asio_layout.hpp"
#include "coroscope/function_names.hpp"
#include "foreign_walk.hpp"
#include "shared_symbolizer.hpp"

namespace coroscope::detail {
namespace {

constexpr int kAttempts = 4;

// Asio's coroutines (the initiation every operation awaits) and coroscope's wrapper around a
// coroscope::co_spawn task. `name` is the short form: a full name starts with the return
// type, often Asio's awaitable.
bool plumbing(const frame& f, const std::string& name) {
  return f.file.find("/boost/asio/") != std::string::npos || name.starts_with("boost::asio::") ||
         name.starts_with("coroscope::detail::");
}

}  // namespace

walk_result walk_task(const task_record& t, std::vector<std::uintptr_t>& pcs,
                      const foreign_memory& memory, bool* cut) {
  pcs.resize(kDumpFrames);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const std::uint64_t begins = t.poll_begins.load(std::memory_order_acquire);
    const std::uint64_t ends = t.polls.load(std::memory_order_acquire);
    const void* root = t.root.load(std::memory_order_acquire);
    if (!root) {
      pcs.clear();
      return walk_result::ended;
    }
    if (begins == 0 && ends == 0) {
      pcs.clear();
      return walk_result::not_started;
    }
    const foreign_walk w = walk_foreign_chain(root, pcs.data(), kDumpFrames, memory);
    if (w.result == foreign_walk::attached) continue;  // running
    std::atomic_thread_fence(std::memory_order_acquire);
    if (t.poll_begins.load(std::memory_order_relaxed) != begins ||
        t.polls.load(std::memory_order_relaxed) != ends ||
        t.root.load(std::memory_order_relaxed) != root)
      continue;
    // A root that stayed put but cannot be read: the reads are not allowed here (seccomp).
    const bool known = w.result == foreign_walk::suspended;
    if (known && !still_suspended_at(root, w.leaf, memory)) continue;
    pcs.resize(known ? w.depth : 0);
    if (cut) *cut = !known || w.cut;
    return walk_result::suspended;
  }
  pcs.clear();
  return walk_result::running;
}

namespace {

/// A resume function as a dump shows it; nothing for plumbing.
std::optional<async_frame> coroutine_at(symbolizer& symbols, std::uintptr_t pc) {
  // A resume function's entry: the function that holds it is the coroutine.
  const frame& f = symbols.symbolize(pc, false).back();
  std::string name = f.function.empty() ? std::string("??") : short_function_name(f.function);
  if (plumbing(f, name)) return std::nullopt;
  return async_frame{std::move(name), f.file, f.line};
}

}  // namespace

std::vector<async_frame> symbolize_async_stack(const std::vector<std::uintptr_t>& pcs) {
  std::vector<async_frame> out;
  if (pcs.empty()) return out;
  shared_symbolizer symbols;
  for (const std::uintptr_t pc : pcs)
    if (auto f = coroutine_at(*symbols, pc)) out.push_back(*std::move(f));
  return out;
}

void symbolize_async_stacks(std::vector<walked_task>& tasks) {
  std::unordered_map<std::uintptr_t, std::optional<async_frame>> seen;
  shared_symbolizer symbols;
  for (walked_task& w : tasks) {
    w.task.async_stack.clear();
    for (const std::uintptr_t pc : w.pcs) {
      auto it = seen.find(pc);
      if (it == seen.end()) it = seen.emplace(pc, coroutine_at(*symbols, pc)).first;
      if (it->second) w.task.async_stack.push_back(*it->second);
    }
  }
}

std::string one_line(const std::vector<async_frame>& stack) {
  std::string out;
  for (const async_frame& f : stack) {
    if (!out.empty()) out += " <- ";
    out += f.function;
    if (!f.file.empty()) {
      const std::size_t slash = f.file.rfind('/');
      out += " (" + f.file.substr(slash == std::string::npos ? 0 : slash + 1) + ":" +
             std::to_string(f.line) + ")";
    }
  }
  return out;
}

}  // namespace coroscope::detail
