// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <mutex>

#include "coroscope/symbolizer.hpp"

namespace coroscope::detail {

/// The process's one symbolizer, shared by task naming and CPU profiles. libdw's index of
/// a large program takes about a tenth of a second of CPU to build; built once, it serves
/// every probe the process constructs and every profile it takes. Leaked, so profiles may
/// close during static destruction.
class shared_symbolizer {
 public:
  /// The symbolizer, held for as long as this lives: its answers are references into it.
  shared_symbolizer() : lock_(instance().mutex) {}
  symbolizer& operator*() noexcept { return instance().symbols; }
  symbolizer* operator->() noexcept { return &instance().symbols; }
  /// Called when done with a batch of lookups: past `kMaxKeptSymbols` cached addresses
  /// (~0.7 KiB each) the symbolizer starts afresh, trading a slower next lookup for
  /// bounded memory.
  void trim() {
    if (instance().symbols.cache_size() > kMaxKeptSymbols) instance().symbols = symbolizer{};
  }

  static constexpr std::size_t kMaxKeptSymbols = 16384;

 private:
  struct state {
    std::mutex mutex;
    symbolizer symbols;
  };
  static state& instance() {
    static auto* s = new state;
    return *s;
  }
  std::unique_lock<std::mutex> lock_;
};

}  // namespace coroscope::detail
