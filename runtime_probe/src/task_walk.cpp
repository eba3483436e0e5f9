// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Task dumps walk the coroutine chain of a task that another thread may resume at any
// moment. The chain is stable while the task is suspended, and it stops being so only by
// a resumption, which is either a poll (poll_begins goes up as it begins, polls as it
// ends) or an inline resumption Asio runs inside another poll (polls goes up, and Asio
// attaches the coroutine thread to the leaf frame first). So the walk reads both counts
// and the leaf before and after, and keeps what it read only when nothing moved: the
// sampler's seqlock (sample_context.cpp) seen from the outside. It begins only between
// polls (ended_begins up to poll_begins): a poll already under way may resume the
// coroutine and suspend it again on a frame at the same address before it ends, which
// moves neither count nor the leaf while the walk reads. A frame freed during the
// walk may hold anything, a malloc free-list pointer mangled by glibc among it, and memory
// may be unmapped under us: every load goes through foreign_memory (process_vm_readv), so
// garbage ends the walk, which the check then throws away, and never faults the program.
#include "task_walk.hpp"

#include <algorithm>
#include <atomic>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "coroscope/detail/asio_layout.hpp"
#include "coroscope/function_names.hpp"
#include "coroscope/symbolizer.hpp"
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

/// After the frames of `chain` were read: whether its task is still as the walk saw it
/// when it began (same record, no poll begun or ended, same root, the leaf still on top
/// with no thread attached), so that what was read belongs to one suspension.
bool still_as_walked(const walked_chain& chain, const foreign_memory& memory) {
  // The leaf first: an inline resumption counts itself (polls) before Asio detaches the
  // thread from the leaf again, so a detached leaf read here means its count is seen below.
  if (chain.leaf != nullptr && !still_suspended_at(chain.root, chain.leaf, memory)) return false;
  std::atomic_thread_fence(std::memory_order_acquire);
  const task_record& t = *chain.record;
  return t.generation.load(std::memory_order_relaxed) == chain.generation &&
         t.poll_begins.load(std::memory_order_relaxed) == chain.poll_begins &&
         t.polls.load(std::memory_order_relaxed) == chain.polls &&
         t.root.load(std::memory_order_relaxed) == chain.root;
}

}  // namespace

walk_result walk_task(const task_record& t, walked_chain& chain, const foreign_memory& memory,
                      bool* cut) {
  std::vector<std::uintptr_t>& pcs = chain.pcs;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    pcs.resize(kDumpFrames);
    chain.frames.resize(kDumpFrames);
    chain.record = &t;
    chain.generation = t.generation.load(std::memory_order_acquire);
    chain.poll_begins = t.poll_begins.load(std::memory_order_acquire);
    // Higher only when a late poll end wrote into the record after it was taken again.
    const bool polling = t.ended_begins.load(std::memory_order_acquire) < chain.poll_begins;
    chain.polls = t.polls.load(std::memory_order_acquire);
    chain.root = t.root.load(std::memory_order_acquire);
    chain.leaf = nullptr;
    if (!chain.root || (chain.poll_begins == 0 && chain.polls == 0)) {
      pcs.clear();
      chain.frames.clear();
      return chain.root ? walk_result::not_started : walk_result::ended;
    }
    if (polling) continue;  // a poll under way: its resumption may be under way too
    const foreign_walk w = walk_foreign_chain(chain.root, pcs.data(), kDumpFrames, memory, chain.frames.data());
    if (w.result == foreign_walk::attached) continue;  // running
    // A root that stayed put but cannot be read: the reads are not allowed here (seccomp).
    const bool known = w.result == foreign_walk::suspended;
    if (known) chain.leaf = w.leaf;
    if (!still_as_walked(chain, memory)) continue;
    pcs.resize(known ? w.depth : 0);
    chain.frames.resize(pcs.size());
    if (cut) *cut = !known || w.cut;
    return walk_result::suspended;
  }
  pcs.clear();
  chain.frames.clear();
  return walk_result::running;
}

namespace {

/// A resume function as a dump shows it.
struct coroutine {
  std::optional<async_frame> frame;  ///< nothing for plumbing
  suspension_points points;
};

coroutine coroutine_at(symbolizer& symbols, std::uintptr_t pc) {
  // A resume function's entry: the function that holds it is the coroutine.
  const frame& f = symbols.symbolize(pc, false).back();
  std::string name = f.function.empty() ? std::string("??") : short_function_name(f.function);
  if (plumbing(f, name)) return {};
  coroutine c{async_frame{std::move(name), f.file, f.line}, {}};
  c.points = symbols.suspensions(pc);
  return c;
}

/// The resume index of each frame of `chain` whose coroutine's points are known (0 for the
/// others), read in one go: all 0 unless the task is still as the walk saw it, so that
/// the indices are those of the walked chain.
std::vector<std::uint16_t> resume_indices(const walked_chain& chain,
                                          const std::vector<const coroutine*>& coroutines) {
  std::vector<std::uint16_t> indices(chain.pcs.size(), 0);
  std::vector<foreign_piece> pieces;
  for (std::size_t i = 0; i < coroutines.size() && i < chain.frames.size(); ++i)
    if (coroutines[i]->frame && !coroutines[i]->points.points.empty())
      pieces.push_back({&indices[i],
                        reinterpret_cast<const char*>(chain.frames[i]) + coroutines[i]->points.index_offset,
                        sizeof(std::uint16_t)});
  if (pieces.empty() || chain.record == nullptr) return indices;
  const foreign_memory memory;
  if (!memory.read(pieces.data(), static_cast<unsigned>(pieces.size())) || !still_as_walked(chain, memory))
    std::fill(indices.begin(), indices.end(), 0);
  return indices;
}

/// The chain's frames, each at the line it waits on when known.
std::vector<async_frame> stack_of(const walked_chain& chain, const std::vector<const coroutine*>& coroutines) {
  std::vector<async_frame> out;
  const std::vector<std::uint16_t> indices = resume_indices(chain, coroutines);
  for (std::size_t i = 0; i < coroutines.size(); ++i) {
    if (!coroutines[i]->frame) continue;
    async_frame f = *coroutines[i]->frame;
    if (const source_point* at = coroutines[i]->points.at(indices[i]); at && at->line != 0) {
      f.file = at->file;
      f.line = at->line;
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

std::vector<async_frame> symbolize_async_stack(const walked_chain& chain) {
  std::vector<walked_task> one(1);
  one[0].chain = chain;
  symbolize_async_stacks(one);
  return std::move(one[0].task.async_stack);
}

void symbolize_async_stacks(std::vector<walked_task>& tasks) {
  std::unordered_map<std::uintptr_t, coroutine> seen;
  {
    shared_symbolizer symbols;
    for (const walked_task& w : tasks)
      for (const std::uintptr_t pc : w.chain.pcs)
        if (!seen.contains(pc)) seen.emplace(pc, coroutine_at(*symbols, pc));
  }
  std::vector<const coroutine*> coroutines;
  for (walked_task& w : tasks) {
    coroutines.clear();
    for (const std::uintptr_t pc : w.chain.pcs) coroutines.push_back(&seen.at(pc));
    w.task.async_stack = stack_of(w.chain, coroutines);
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
