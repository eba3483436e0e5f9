// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/symbolizer.hpp"

#include <elfutils/libdwfl.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <unordered_map>
#include <utility>

#include "coroscope/base/hex.hpp"
#include "dl_counters.hpp"
#include "dwarf_frames.hpp"
#include "frame_cache.hpp"
#include "function_name.hpp"
#include "suspension_points.hpp"
#include "symbol_index.hpp"

namespace coroscope {
namespace {

using clock_type = std::chrono::steady_clock;

// A miss outside every known module re-reads the mappings at most this often (when no
// dlopen/dlclose explains it): code mapped some other way, or not code at all (a bad
// frame pointer gives such addresses all the time).
constexpr auto rereport_interval = std::chrono::seconds{1};

// dwfl keeps a pointer to its callbacks: they must outlive every Dwfl.
// find_debuginfo looks next to the file, in .debug/ and under /usr/lib/debug (by build
// id); like every libdw tool it also asks debuginfod when DEBUGINFOD_URLS is set.
const Dwfl_Callbacks self_callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = nullptr,
    .debuginfo_path = nullptr,
};

struct dwfl_deleter {
  void operator()(Dwfl* d) const noexcept { dwfl_end(d); }
};

// What every frame of one module carries.
struct module_info {
  std::string path;
  std::string build_id;  // hex
  Dwarf_Addr base = 0;   // run-time address - base = module-relative address
};

}  // namespace

struct symbolizer::impl {
  std::unique_ptr<Dwfl, dwfl_deleter> dwfl;
  bool reported_once = false;
  detail::dl_counters seen_counters;
  clock_type::time_point last_report{};
  // Keyed by Dwfl_Module* or holding its data, which a full re-report may free: cleared
  // on every full report.
  std::unordered_map<Dwfl_Module*, module_info> modules;
  detail::symbol_index symbols;
  detail::dwarf_frame_finder dwarf;
  // Keyed by the looked-up address (pc, or pc - 1 for return addresses). Also holds
  // what symbolize() returns.
  detail::frame_cache cache;
  // Keyed by a coroutine's resume function; dropped with `cache`.
  std::unordered_map<std::uintptr_t, suspension_points> coroutines;

  const std::vector<frame>& symbolize(std::uintptr_t pc, bool return_address) {
    std::uintptr_t addr = return_address && pc != 0 ? pc - 1 : pc;
    if (const std::vector<frame>* cached = cache.get(addr)) return *cached;
    refresh_modules();
    return cache.put(addr, lookup(addr), max_cache_entries);
  }

  // Re-reads the mappings when the set of shared objects changed since the last report:
  // after a dlopen only new modules are added; after a dlclose everything is re-read.
  void refresh_modules() {
    detail::dl_counters now = detail::read_dl_counters();
    if (reported_once && now == seen_counters) return;
    bool unloaded = reported_once && now.subs != seen_counters.subs;
    report(reported_once && !unloaded ? report_kind::additions : report_kind::full);
    seen_counters = now;
    // Cached addresses of an unloaded object may now belong to another one.
    if (unloaded) {
      cache.clear();
      coroutines.clear();
    }
  }

  const suspension_points& suspensions(std::uintptr_t resume_fn) {
    if (auto it = coroutines.find(resume_fn); it != coroutines.end()) return it->second;
    refresh_modules();
    if (coroutines.size() >= max_cache_entries) coroutines.clear();
    suspension_points& points = coroutines[resume_fn];
    Dwarf_Die actor;
    if (Dwfl_Module* mod = find_module(resume_fn); mod != nullptr && dwarf.function_at(mod, resume_fn, &actor))
      points = detail::read_suspension_points(&actor);
    return points;
  }

  // `full` drops modules no longer mapped, and with them every index; `additions` only
  // adds new mappings, so the modules and indices built so far stay valid.
  enum class report_kind { full, additions };

  void report(report_kind kind) {
    reported_once = true;
    last_report = clock_type::now();
    if (!dwfl) {
      dwfl.reset(dwfl_begin(&self_callbacks));
      kind = report_kind::full;
    }
    if (!dwfl) return;
    if (kind == report_kind::full) {
      modules.clear();
      symbols.clear();
      dwarf.clear();
      dwfl_report_begin(dwfl.get());
    } else {
      dwfl_report_begin_add(dwfl.get());
    }
    // A failure leaves what was reported so far: those modules still symbolize.
    (void)dwfl_linux_proc_report(dwfl.get(), getpid());
    dwfl_report_end(dwfl.get(), nullptr, nullptr);
  }

  Dwfl_Module* module_at(std::uintptr_t addr) const {
    if (!dwfl) return nullptr;
    Dwfl_Module* mod = dwfl_addrmodule(dwfl.get(), addr);
    // libdw 0.188 answers the highest module for any address above it (the stack,
    // [vsyscall]): only trust a module whose range holds the address.
    Dwarf_Addr start = 0;
    Dwarf_Addr end = 0;
    if (mod == nullptr ||
        dwfl_module_info(mod, nullptr, &start, &end, nullptr, nullptr, nullptr, nullptr) == nullptr ||
        addr < start || addr >= end)
      return nullptr;
    return mod;
  }

  Dwfl_Module* find_module(std::uintptr_t addr) {
    Dwfl_Module* mod = module_at(addr);
    if (mod == nullptr && clock_type::now() - last_report >= rereport_interval) {
      report(report_kind::additions);
      mod = module_at(addr);
    }
    return mod;
  }

  const module_info& info(Dwfl_Module* mod) {
    auto [it, inserted] = modules.try_emplace(mod);
    if (!inserted) return it->second;
    module_info& m = it->second;
    Dwarf_Addr start = 0;
    if (const char* name = dwfl_module_info(mod, nullptr, &start, nullptr, nullptr, nullptr, nullptr, nullptr))
      m.path = name;
    // Opening the ELF file gives the load bias and makes the build id known.
    GElf_Addr bias = 0;
    m.base = dwfl_module_getelf(mod, &bias) != nullptr ? bias : start;
    const unsigned char* bits = nullptr;
    GElf_Addr vaddr = 0;
    if (int len = dwfl_module_build_id(mod, &bits, &vaddr); len > 0) m.build_id = base::hex(bits, static_cast<std::size_t>(len));
    return m;
  }

  std::vector<frame> lookup(std::uintptr_t addr) {
    Dwfl_Module* mod = find_module(addr);
    if (mod == nullptr) {
      frame unknown;
      unknown.address = addr;
      return {std::move(unknown)};
    }
    const module_info& m = info(mod);
    const char* symbol = symbols.function_at(mod, addr);
    std::vector<frame> frames = dwarf.frames(mod, addr, symbol);
    if (frames.empty()) {
      // No DWARF scope: the ELF symbol and its line, if any. Outside every function (PLT
      // stubs, padding) the line table can still answer, from code the linker discarded
      // at address 0: such a line would be wrong, so none is given.
      frame f;
      f.function = detail::readable_function_name(symbol);
      if (!f.function.empty()) {
        detail::source_position pos = detail::line_at(mod, addr);
        f.file = std::move(pos.file);
        f.line = pos.line;
      }
      frames.push_back(std::move(f));
    }
    for (frame& f : frames) {
      f.address = addr - m.base;
      f.module = m.path;
      f.build_id = m.build_id;
    }
    return frames;
  }
};

symbolizer::symbolizer() : impl_{std::make_unique<impl>()} {}
symbolizer::~symbolizer() = default;
symbolizer::symbolizer(symbolizer&&) noexcept = default;
symbolizer& symbolizer::operator=(symbolizer&&) noexcept = default;

const std::vector<frame>& symbolizer::symbolize(std::uintptr_t pc, bool return_address) {
  if (!impl_) impl_ = std::make_unique<impl>();  // a moved-from symbolizer starts afresh
  return impl_->symbolize(pc, return_address);
}

const suspension_points& symbolizer::suspensions(std::uintptr_t resume_fn) {
  if (!impl_) impl_ = std::make_unique<impl>();
  return impl_->suspensions(resume_fn);
}

std::size_t symbolizer::cache_size() const noexcept { return impl_ ? impl_->cache.size() : 0; }

}  // namespace coroscope
