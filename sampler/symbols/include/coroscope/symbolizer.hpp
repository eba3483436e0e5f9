// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "coroscope/profile.hpp"

namespace coroscope {

/// A position in a source file; `line` and `column` 0 when not known.
struct source_point {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

/// Where a coroutine compiled by GCC can be suspended, from its debug info: a suspended
/// frame's resume index tells which point it waits at.
struct suspension_points {
  /// Offset of the frame's 2-byte resume index from the frame's start (where its resume
  /// function's address is); -1 when not known (not a GCC coroutine, no debug info).
  std::ptrdiff_t index_offset = -1;
  /// Every suspension point in resume-index order: the initial suspend, each co_await in
  /// source order, the final suspend. Empty when the debug info does not tell them all
  /// apart: in an unoptimized build (see suspension_points.cpp).
  std::vector<source_point> points;
  /// The point a frame whose resume index is `index` waits at, or null when not known.
  const source_point* at(std::uint16_t index) const noexcept;
};

/// Turns code addresses of this process into frames: demangled function names, file:line,
/// inlined frames, and the module (path + GNU build id + module-relative address). Uses
/// libdw (elfutils) on the running process, with debuginfo when the binary has it or when
/// it is installed under /usr/lib/debug (like every libdw tool, it also asks debuginfod
/// when DEBUGINFOD_URLS is set).
///
/// Threading: not thread-safe by design. One symbolizer per consumer thread (the thread
/// that drains sample rings and builds profiles); never call it from a signal handler or
/// a worker's hot path: a first lookup opens files and parses DWARF.
///
/// Modules are found from /proc/self/maps when the first address is looked up. On a
/// miss, the mappings are read again: at once when glibc's count of loaded or unloaded
/// shared objects moved (`dlopen`, `dlclose`), else at most once per second (code mapped
/// some other way). After a `dlclose` (noticed at the next miss) the cache is dropped, as
/// the unloaded object's addresses may be reused.
///
/// Results are cached per looked-up address (so per `(pc, return_address)`), at most
/// `max_cache_entries` addresses; when the cache is full it is dropped and refills. A
/// cached frame is 40 bytes and each distinct string is kept once (measured: 0.7 KiB per
/// address, strings included, for 1000 addresses spread over an Asio program, against
/// 2.4 KiB as plain frames). libdw's own data and the per-module indices grow with the
/// code looked up, up to the size of the program's symbol tables and debug info.
class symbolizer {
 public:
  /// Cache bound, in addresses.
  static constexpr std::size_t max_cache_entries = 65536;

  /// Cheap: libdw is set up at the first `symbolize`.
  symbolizer();
  ~symbolizer();
  symbolizer(symbolizer&&) noexcept;
  symbolizer& operator=(symbolizer&&) noexcept;
  symbolizer(const symbolizer&) = delete;
  symbolizer& operator=(const symbolizer&) = delete;

  /// The frames at code address `pc` of this process, innermost inlined frame first and
  /// the function that holds the code last; never empty.
  ///
  /// `return_address`: true for return addresses from a stack walk (then `pc - 1` is
  /// looked up, so a call at the very end of a function resolves to that function and the
  /// call's line); false for an interrupted pc or a function entry address.
  ///
  /// Every frame carries `address`: the looked-up address relative to its module's ELF
  /// virtual addresses (what `addr2line -e module` takes), `module` (the path) and
  /// `build_id` (hex) when the address is in a known module. Unknown code gives one frame
  /// with an empty `function`: `module` set when the address is in a known module, else
  /// `module` empty and `address` the absolute address (pc 0, anonymous or JIT memory).
  /// Every frame has an `id` (`frame::id`): the same id each time the cached address is
  /// looked up, a new one once the cache was dropped.
  ///
  /// The answer lives in the symbolizer: the reference stays valid until the next call of
  /// `symbolize` (which rewrites it) or the symbolizer's destruction or move. Copy what
  /// must outlive that. A cached answer reuses the previous answer's string buffers.
  const std::vector<frame>& symbolize(std::uintptr_t pc, bool return_address);

  /// The suspension points of the coroutine whose resume function starts at `resume_fn`
  /// (the first word of its frame). Cached per function, with the same bound and lifetime
  /// as frames; the reference stays valid until the next call of any member.
  const suspension_points& suspensions(std::uintptr_t resume_fn);

  /// Number of cached addresses.
  std::size_t cache_size() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace coroscope
