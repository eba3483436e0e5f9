// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "coroscope/profile.hpp"

namespace coroscope {

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

  /// Number of cached addresses.
  std::size_t cache_size() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace coroscope
