// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The task dump's walk of another thread's coroutine chain: the layout is Asio's (measured
// into g_asio_layout by asio_frames.cpp), every load is a foreign_memory read.
#include "foreign_walk.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "coroscope/detail/asio_layout.hpp"

namespace coroscope::detail {
namespace {

using word = std::uintptr_t;

// What a walk needs of one frame: its three members and the resume function of its
// coroutine. GCC and Clang put a coroutine's resume and destroy functions just before its
// promise, which is the frame here; one read takes them all when that holds.
struct frame_fields {
  word thread = 0, caller = 0, coroutine = 0, resume = 0;
};

constexpr std::ptrdiff_t kHeader = 2 * sizeof(word);  // resume, destroy
constexpr std::size_t kMaxSpan = 128;

word at(const unsigned char* buffer, std::ptrdiff_t offset) {
  word w;
  std::memcpy(&w, buffer + offset, sizeof w);
  return w;
}

bool read_frame(const void* frame, frame_fields& f, const foreign_memory& memory) {
  const asio_layout& l = g_asio_layout;
  const std::ptrdiff_t lo = std::min({l.frame_thread, l.frame_caller, l.frame_coro});
  const std::ptrdiff_t hi =
      std::max({l.frame_thread, l.frame_caller, l.frame_coro}) + std::ptrdiff_t(sizeof(word));
  const auto* base = static_cast<const unsigned char*>(frame);
  unsigned char buffer[kHeader + kMaxSpan];
  // With the coroutine's header in front, read from `begin`; else only the members.
  std::ptrdiff_t begin = -kHeader;
  if (static_cast<std::size_t>(hi - begin) > sizeof buffer ||
      !memory.read(buffer, base + begin, static_cast<std::size_t>(hi - begin))) {
    begin = lo;
    if (static_cast<std::size_t>(hi - lo) > sizeof buffer ||
        !memory.read(buffer, base + lo, static_cast<std::size_t>(hi - lo)))
      return false;
  }
  f.thread = at(buffer, l.frame_thread - begin);
  f.caller = at(buffer, l.frame_caller - begin);
  f.coroutine = at(buffer, l.frame_coro - begin);
  if (f.coroutine == 0) return true;
  const auto header = reinterpret_cast<word>(base) + static_cast<word>(begin);
  if (begin < 0 && f.coroutine >= header && f.coroutine + sizeof(word) <= reinterpret_cast<word>(base)) {
    f.resume = at(buffer, static_cast<std::ptrdiff_t>(f.coroutine - header));
    return true;
  }
  return memory.read(&f.resume, reinterpret_cast<const void*>(f.coroutine), sizeof f.resume);
}

bool aligned(word p) { return p % alignof(void*) == 0; }

}  // namespace

foreign_walk walk_foreign_chain(const void* root, std::uintptr_t* out, unsigned max,
                                const foreign_memory& memory, std::uintptr_t* frames) noexcept {
  foreign_walk w;
  word top = 0;
  if (!memory.read(&top, static_cast<const char*>(root) + g_asio_layout.root_top, sizeof top))
    return w;  // unreadable
  w.result = foreign_walk::attached;
  const auto base = reinterpret_cast<word>(root);
  if (top == 0 || top == base || !aligned(top)) return w;
  frame_fields f;
  if (!read_frame(reinterpret_cast<const void*>(top), f, memory) || f.thread != 0) return w;
  // Asio detaches the coroutine thread from the leaf when it suspends on an operation (the
  // thread moves into the operation's handler) and attaches it again to resume it.
  w.result = foreign_walk::suspended;
  w.leaf = reinterpret_cast<const void*>(top);
  word frame = top;
  // The chain may change under us: stop at anything odd rather than trust it.
  while (true) {
    if (f.coroutine == 0 || f.resume == 0) break;
    if (frames) frames[w.depth] = f.coroutine;
    out[w.depth++] = f.resume;
    if (f.caller == base) return w;  // reached the root: the whole chain
    if (w.depth == max || f.caller == 0 || f.caller == frame || !aligned(f.caller)) break;
    frame = f.caller;
    if (!read_frame(reinterpret_cast<const void*>(frame), f, memory)) break;
  }
  w.cut = true;
  return w;
}

bool still_suspended_at(const void* root, const void* leaf, const foreign_memory& memory) noexcept {
  word top = 0, thread = 0;
  const foreign_piece pieces[] = {
      {&top, static_cast<const char*>(root) + g_asio_layout.root_top, sizeof top},
      {&thread, static_cast<const char*>(leaf) + g_asio_layout.frame_thread, sizeof thread}};
  return memory.read(pieces, 2) && top == reinterpret_cast<word>(leaf) && thread == 0;
}

}  // namespace coroscope::detail
