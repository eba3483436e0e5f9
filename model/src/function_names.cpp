// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Short names from demangled signatures. The demangler's output has a simple shape:
//
//   [return type ' '] qualified::name [<template args>] [(parameters) [const] [&] [noexcept]]
//
// where nested brackets (<>, (), [], {}) group everything that is not a top-level space or
// the parameter list, except inside operator names (`operator<`, `operator()`,
// `operator unsigned long`). So one scan finds the top-level groups and spaces, the last
// `(...)` group followed only by qualifiers is the parameter list, the last top-level
// space before it ends the return type, and what lies between is written out with its
// bracket groups collapsed.
#include <coroscope/function_names.hpp>

#include <array>
#include <cstddef>
#include <vector>

namespace coroscope {
namespace {

constexpr std::size_t npos = std::string_view::npos;
constexpr std::string_view operator_keyword = "operator";

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$';
}

bool word_at(std::string_view s, std::size_t i, std::string_view word) {
  return s.substr(i).starts_with(word) && (i + word.size() == s.size() || !is_identifier_char(s[i + word.size()]));
}

// An `operator` keyword (not part of a longer identifier) starts at `i`.
bool operator_at(std::string_view s, std::size_t i) {
  return (i == 0 || !is_identifier_char(s[i - 1])) && word_at(s, i, operator_keyword);
}

// Where the operator name starting at `i` ends: past its symbol or word, or for a
// conversion operator at the `(` of its parameter list (or the end of `s`).
std::size_t operator_end(std::string_view s, std::size_t i) {
  std::size_t k = i + operator_keyword.size();
  while (k < s.size() && s[k] == ' ') ++k;
  // Longest first where one symbol starts another.
  static constexpr std::array<std::string_view, 39> symbols = {
      "()", "[]", "<=>", "<<=", ">>=", "->*", "->", "<<", ">>", "<=", ">=", "==", "!=",
      "&&", "||", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<",
      ">",  "+",  "-",   "*",   "/",   "%",   "^",  "&",  "|",  "~",  "!",  "=",  ","};
  for (std::string_view symbol : symbols) {
    if (!s.substr(k).starts_with(symbol)) continue;
    k += symbol.size();
    // The demangler writes `operator< <int>`: the space belongs to the operator's name.
    if (s.substr(k).starts_with(" <")) ++k;
    return k;
  }
  for (std::string_view word : {"new[]", "delete[]"})
    if (s.substr(k).starts_with(word)) return k + word.size();
  for (std::string_view word : {"new", "delete", "co_await"})
    if (word_at(s, k, word)) return k + word.size();
  if (s.substr(k).starts_with("\"\"")) {  // literal operator: operator"" _suffix
    k += 2;
    while (k < s.size() && s[k] == ' ') ++k;
    while (k < s.size() && is_identifier_char(s[k])) ++k;
    return k;
  }
  // A conversion operator: its type runs to the parameter list.
  int angle = 0;
  for (; k < s.size(); ++k) {
    if (s[k] == '<') {
      ++angle;
    } else if (s[k] == '>' && angle > 0) {
      --angle;
    } else if (s[k] == '(' && angle == 0) {
      break;
    }
  }
  return k;
}

char closer_of(char open) {
  switch (open) {
    case '(': return ')';
    case '<': return '>';
    case '[': return ']';
    default: return '}';
  }
}

bool is_opener(char c) { return c == '(' || c == '<' || c == '[' || c == '{'; }

int kind_of(char bracket) {
  switch (bracket) {
    case '(': case ')': return 0;
    case '<': case '>': return 1;
    case '[': case ']': return 2;
    default: return 3;
  }
}

// The index of the bracket closing the one at `open`, or npos. Operator names inside are
// skipped; a `>` closes only a `<` (`a->b`, `1>2` in an expression are not brackets); a
// `)`, `]` or `}` closes its own opener and with it any `<` left open (a less-than). Linear
// in the length of `s`, whatever it holds (names come from profile files too).
std::size_t find_close(std::string_view s, std::size_t open) {
  std::vector<char> stack{s[open]};
  std::array<std::size_t, 4> open_of_kind{};  // how many of each opener `stack` holds
  ++open_of_kind[kind_of(s[open])];
  for (std::size_t i = open + 1; i < s.size(); ++i) {
    if (operator_at(s, i)) {
      i = operator_end(s, i) - 1;
      continue;
    }
    const char c = s[i];
    if (is_opener(c)) {
      stack.push_back(c);
      ++open_of_kind[kind_of(c)];
      continue;
    }
    if (c == '>') {
      if (stack.back() != '<') continue;
      stack.pop_back();
      --open_of_kind[1];
    } else if (c == ')' || c == ']' || c == '}') {
      if (open_of_kind[kind_of(c)] == 0) continue;  // a stray closer
      while (closer_of(stack.back()) != c) {
        --open_of_kind[kind_of(stack.back())];
        stack.pop_back();
      }
      --open_of_kind[kind_of(c)];
      stack.pop_back();
    } else {
      continue;
    }
    if (stack.empty()) return i;
  }
  return npos;
}

// Removes GCC's ` [clone .cold]` suffixes and `[abi:cxx11]` tags wherever they are.
std::string without_tags(std::string_view full) {
  std::string out;
  out.reserve(full.size());
  bool closed = true;  // false once a tag had no `]`: none after it has one either
  for (std::size_t i = 0; i < full.size();) {
    if (closed && (full.substr(i).starts_with(" [clone ") || full.substr(i).starts_with("[abi:"))) {
      const std::size_t end = full.find(']', i);
      closed = end != npos;
      if (closed) {
        i = end + 1;
        continue;
      }
    }
    out += full[i++];
  }
  return out;
}

// True when `rest` (what follows a parameter list) holds only qualifiers.
bool only_qualifiers(std::string_view rest) {
  static constexpr std::array<std::string_view, 6> qualifiers = {"const", "volatile", "noexcept", "throw()",
                                                                 "&&", "&"};
  while (!rest.empty()) {
    if (rest.front() == ' ') {
      rest.remove_prefix(1);
      continue;
    }
    bool matched = false;
    for (std::string_view q : qualifiers) {
      if (rest.starts_with(q)) {
        rest.remove_prefix(q.size());
        matched = true;
        break;
      }
    }
    if (!matched) return false;
  }
  return true;
}

// Writes `name` with template arguments collapsed to `<...>`, `(anonymous namespace)::`
// dropped, `[...]` kept, and `{lambda(...)#1}` with the same done inside the braces. With
// `parameters`, non-empty parenthesised groups (parameter lists of enclosing functions in
// local names) become `(...)`. False when a bracket does not close (then the caller keeps
// the name as it was).
bool write_collapsed(std::string_view name, bool parameters, std::string& out, int depth = 0) {
  // Braces nest in lambdas of lambdas; deeper than this (only made-up names are) is
  // written as it is, so neither the stack nor the time grows with hostile input.
  constexpr int max_depth = 16;
  if (depth > max_depth) {
    out.append(name);
    return true;
  }
  for (std::size_t i = 0; i < name.size();) {
    if (operator_at(name, i)) {
      const std::size_t end = operator_end(name, i);
      out.append(name.substr(i, end - i));
      i = end;
      continue;
    }
    const char c = name[i];
    if (!is_opener(c)) {
      out += c;
      ++i;
      continue;
    }
    const std::size_t close = find_close(name, i);
    if (close == npos) return false;
    const std::string_view inside = name.substr(i + 1, close - i - 1);
    i = close + 1;
    if (c == '(' && inside == "anonymous namespace") {
      if (name.substr(i).starts_with("::")) i += 2;
    } else if (c == '<' || (c == '(' && parameters)) {
      out += c;
      if (!inside.empty()) out += "...";
      out += closer_of(c);
    } else if (c == '{') {
      out += '{';
      if (!write_collapsed(inside, parameters, out, depth + 1)) return false;
      out += '}';
    } else {
      out.append(name.substr(close - inside.size() - 1, inside.size() + 2));
    }
  }
  return true;
}

/// Whether the function `full`, whose bare name is `bare`, is the coroutine Asio's
/// `use_awaitable` makes of one operation: `async_result<use_awaitable_t<...>>::initiate`.
bool is_one_operation(std::string_view full, std::string_view bare) {
  return bare == "initiate" &&
         full.find("async_result<boost::asio::use_awaitable_t") != std::string_view::npos;
}

}  // namespace

std::string short_function_name(std::string_view full) {
  const std::string tagless = without_tags(full);
  const std::string_view s = tagless;

  // Top-level spaces and the last top-level parenthesised group.
  std::size_t last_space_before_group = npos;
  std::size_t last_space = npos;
  std::size_t group_open = npos;
  std::size_t group_close = npos;
  for (std::size_t i = 0; i < s.size();) {
    if (operator_at(s, i)) {
      i = operator_end(s, i);
      continue;
    }
    if (s[i] == ' ') {
      last_space = i++;
      continue;
    }
    if (!is_opener(s[i])) {
      ++i;
      continue;
    }
    const std::size_t close = find_close(s, i);
    if (close == npos) return std::string(full);
    if (s[i] == '(' && s.substr(i + 1, close - i - 1) != "anonymous namespace") {
      group_open = i;
      group_close = close;
      last_space_before_group = last_space;
    }
    i = close + 1;
  }

  // The parameter list, when the last group is followed by nothing but qualifiers (in
  // `main.(*T).Run`, a Go name, it is not).
  const bool has_parameters = group_open != npos && only_qualifiers(s.substr(group_close + 1));
  const std::size_t name_end = has_parameters ? group_open : s.size();
  // Only a signature has a return type; a bare name keeps its spaces.
  const std::size_t space = has_parameters ? last_space_before_group : npos;
  const std::size_t name_begin = space == npos ? 0 : space + 1;

  std::string out;
  out.reserve(name_end - name_begin);
  // Parentheses in a name that is no signature (Go's `main.(*T).Run`) are part of it.
  if (!write_collapsed(s.substr(name_begin, name_end - name_begin), has_parameters, out))
    return std::string(full);
  if (out.empty() || out.front() == '<') return std::string(full);
  return out;
}

std::string bare_function_name(std::string_view full) {
  // The parameter list: the last '(' at bracket depth 0, scanning from the end.
  std::size_t end = full.size();
  int depth = 0;
  for (std::size_t i = full.size(); i-- > 0;) {
    const char c = full[i];
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
    const char c = full[i];
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

std::string coroutine_task_name(std::string_view full) {
  std::string bare = bare_function_name(full);
  if (is_one_operation(full, bare)) bare.clear();
  return bare;
}

bool is_operation_coroutine(std::string_view full) {
  return is_one_operation(full, bare_function_name(full));
}

std::string function_name_in(std::string_view full, name_style style) {
  return style == name_style::full_names ? std::string(full) : short_function_name(full);
}

std::string function_from_profile(std::string_view name, std::string_view system_name) {
  const bool ours = !system_name.empty() && system_name != name && short_function_name(system_name) == name;
  return std::string(ours ? system_name : name);
}

}  // namespace coroscope
