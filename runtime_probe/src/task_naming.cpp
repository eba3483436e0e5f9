// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "task_naming.hpp"

#include <string_view>
#include <utility>

#include "coroscope/function_names.hpp"
#include "shared_symbolizer.hpp"

namespace coroscope::detail {
namespace {

/// Code a user did not write: where a spawn site is not. coroscope's headers are under
/// `include/coroscope/` both in its tree and where it is installed.
bool internal_file(std::string_view file) {
  for (std::string_view part : {"/boost/asio/", "/boost/beast/", "/include/c++/", "/bits/",
                                "/runtime_probe/", "/include/coroscope/", "/coro/src/"})
    if (file.find(part) != std::string_view::npos) return true;
  return file.empty();
}

}  // namespace

const task_naming::coroutine& task_naming::lookup(std::uintptr_t resume_fn) {
  if (auto it = names_.find(resume_fn); it != names_.end()) return it->second;
  coroutine c;
  {
    shared_symbolizer symbols;
    const std::string function = symbols->symbolize(resume_fn, false).back().function;
    c.name = coroutine_task_name(function);
    c.operation = c.name.empty() && is_operation_coroutine(function);
  }
  if (names_.size() >= kMaxCached) names_.clear();
  return names_.emplace(resume_fn, std::move(c)).first->second;
}

code_location task_naming::spawn_site(const std::uintptr_t* pcs, std::size_t count) {
  shared_symbolizer symbols;
  for (std::size_t i = 0; i < count && pcs[i] != 0; ++i) {
    // Innermost inlined frame first: the user's code may be inlined into Asio's.
    for (const frame& f : symbols->symbolize(pcs[i], true)) {
      if (internal_file(f.file)) continue;
      return {f.file, f.line, bare_function_name(f.function)};
    }
  }
  return {};
}

}  // namespace coroscope::detail
