// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "task_naming.hpp"

#include <string_view>
#include <utility>

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

std::string task_naming::bare_name(const std::string& function) {
  // The parameter list: the last '(' at bracket depth 0, scanning from the end.
  std::size_t end = function.size();
  int depth = 0;
  for (std::size_t i = function.size(); i-- > 0;) {
    const char c = function[i];
    if (c == ')' || c == '>' || c == ']') {
      ++depth;
    } else if (c == '(' || c == '<' || c == '[') {
      if (--depth == 0 && c == '(') {
        end = i;
        break;
      }
    }
  }
  // Drop template arguments at depth 0 and keep the last scope component.
  std::string bare;
  depth = 0;
  for (std::size_t i = 0; i < end; ++i) {
    const char c = function[i];
    if (c == '<') ++depth;
    if (depth == 0) {
      if (c == ' ') bare.clear();  // a return type before the name
      else bare += c;
    }
    if (c == '>') --depth;
  }
  if (const std::size_t scope = bare.rfind("::"); scope != std::string::npos)
    bare.erase(0, scope + 2);
  return bare;
}

const task_naming::coroutine& task_naming::lookup(std::uintptr_t resume_fn) {
  if (auto it = names_.find(resume_fn); it != names_.end()) return it->second;
  coroutine c;
  {
    shared_symbolizer symbols;
    const std::string function = symbols->symbolize(resume_fn, false).back().function;
    c.name = bare_name(function);
    c.operation = c.name == "initiate" &&
                  function.find("async_result<boost::asio::use_awaitable_t") != std::string::npos;
    if (c.operation) c.name.clear();
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
      return {f.file, f.line, bare_name(f.function)};
    }
  }
  return {};
}

}  // namespace coroscope::detail
