// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// GCC lowers a coroutine into a frame struct (`<function>.Frame`) and an actor function
// that switches on the frame's `_Coro_resume_index`: while the coroutine waits at its k-th
// suspension point (counting from 1), the index is 2k. GCC numbers the points in the order
// it meets them: the initial suspend first, then every co_await of the body in source
// order, the final suspend last. The frame struct (which the actor's parameter points to)
// gives the index's offset, and holds the awaiter of every co_await in that order
// (members `Aw0...`, `Aw1...`, with their types). Their lines come from the awaiters'
// `await_suspend` calls: in an optimized build each is inlined into the actor, with the
// position of its co_await as the call site and the awaiter as its `this`. The initial
// and final suspends' awaiters may leave such call sites too, at the position of the
// promise's `initial_suspend` or `final_suspend` call, which tells them apart. A co_await
// whose await_suspend has no code leaves no site (Asio's `this_coro::executor`, which
// never suspends); when the sites cannot be matched to the awaiters for certain (an
// unoptimized build calls await_suspend out of line), no point is named: a wrong line
// would be worse than the function's own. Known gap: GCC lowers a co_await in a `for`
// header's increment after the loop's body, so with awaiters of one type there the order
// of lines and of indices differ and a frame can be given another co_await's line.
#include "suspension_points.hpp"

#include <dwarf.h>

#include <algorithm>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace coroscope::detail {
namespace {

Dwarf_Die* type_of(Dwarf_Die* die, Dwarf_Die* out) {
  Dwarf_Attribute mem;
  return dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &mem), out);
}

// What the frame struct, which the actor's first parameter points to, tells.
struct frame_layout {
  std::ptrdiff_t index_offset = -1;
  std::vector<Dwarf_Off> awaiters;  // the type of each co_await's awaiter, in GCC's order
};

// The DIE offset of the type `die` has, typedefs, qualifiers and a reference peeled (an
// awaiter may be held by reference); 0 when none.
Dwarf_Off peeled_type(Dwarf_Die* die) {
  Dwarf_Die type;
  if (type_of(die, &type) == nullptr || dwarf_peel_type(&type, &type) != 0) return 0;
  const int tag = dwarf_tag(&type);
  if ((tag == DW_TAG_reference_type || tag == DW_TAG_rvalue_reference_type) &&
      (type_of(&type, &type) == nullptr || dwarf_peel_type(&type, &type) != 0))
    return 0;
  return dwarf_dieoffset(&type);
}

// GCC's awaiter members: `Aw<N>...` for a co_await, `Yd<N>...` for a co_yield (one
// numbering for both).
bool is_awaiter_member(std::string_view name) {
  return name.size() > 2 && (name.starts_with("Aw") || name.starts_with("Yd")) && name[2] >= '0' &&
         name[2] <= '9';
}

frame_layout layout_of(Dwarf_Die* actor) {
  frame_layout out;
  Dwarf_Die parameter, pointer, frame_type, member;
  if (dwarf_child(actor, &parameter) != 0) return out;
  while (dwarf_tag(&parameter) != DW_TAG_formal_parameter)
    if (dwarf_siblingof(&parameter, &parameter) != 0) return out;
  if (type_of(&parameter, &pointer) == nullptr || dwarf_peel_type(&pointer, &pointer) != 0 ||
      dwarf_tag(&pointer) != DW_TAG_pointer_type || type_of(&pointer, &frame_type) == nullptr ||
      dwarf_peel_type(&frame_type, &frame_type) != 0 || dwarf_child(&frame_type, &member) != 0)
    return out;
  do {
    const char* name = dwarf_diename(&member);
    if (dwarf_tag(&member) != DW_TAG_member || name == nullptr) continue;
    Dwarf_Attribute mem;
    Dwarf_Word offset = 0;
    if (std::string_view(name) == "_Coro_resume_index" &&
        dwarf_formudata(dwarf_attr(&member, DW_AT_data_member_location, &mem), &offset) == 0)
      out.index_offset = static_cast<std::ptrdiff_t>(offset);
    else if (is_awaiter_member(name))
      out.awaiters.push_back(peeled_type(&member));
  } while (dwarf_siblingof(&member, &member) == 0);
  // Members are in declaration order, which is GCC's (Aw0, Aw1, ...).
  return out;
}

struct call_position {
  Dwarf_Word file = 0, line = 0, column = 0;
  auto operator<=>(const call_position&) const = default;
};

// An inlined call of an awaiter's member: where, and the awaiter's type.
struct await_call {
  call_position at;
  Dwarf_Off awaiter = 0;
};

// The class whose member function `inlined` is: the pointee of its `this` parameter.
Dwarf_Off class_of(Dwarf_Die* inlined) {
  Dwarf_Attribute mem;
  Dwarf_Die function, parameter, pointer;
  if (dwarf_formref_die(dwarf_attr(inlined, DW_AT_abstract_origin, &mem), &function) == nullptr ||
      dwarf_child(&function, &parameter) != 0)
    return 0;
  do {
    if (dwarf_tag(&parameter) != DW_TAG_formal_parameter) continue;
    bool artificial = false;
    if (dwarf_formflag(dwarf_attr_integrate(&parameter, DW_AT_artificial, &mem), &artificial) != 0 ||
        !artificial || type_of(&parameter, &pointer) == nullptr || dwarf_peel_type(&pointer, &pointer) != 0 ||
        dwarf_tag(&pointer) != DW_TAG_pointer_type)
      return 0;
    return peeled_type(&pointer);
  } while (dwarf_siblingof(&parameter, &parameter) == 0);
  return 0;
}

struct actor_calls {
  std::vector<await_call> awaits;         // of inlined await_suspend
  std::vector<call_position> bracketing;  // of initial_suspend and final_suspend
  call_position final_suspend;            // line 0: not inlined
};

call_position call_site_of(Dwarf_Die* inlined) {
  call_position p;
  Dwarf_Attribute mem;
  dwarf_formudata(dwarf_attr(inlined, DW_AT_call_file, &mem), &p.file);
  dwarf_formudata(dwarf_attr(inlined, DW_AT_call_line, &mem), &p.line);
  dwarf_formudata(dwarf_attr(inlined, DW_AT_call_column, &mem), &p.column);
  return p;
}

// The actor's scopes; not into inlined code, where no co_await can be.
void scan(Dwarf_Die* scope, actor_calls& out) {
  Dwarf_Die child;
  if (dwarf_child(scope, &child) != 0) return;
  do {
    switch (dwarf_tag(&child)) {
      case DW_TAG_inlined_subroutine: {
        Dwarf_Attribute mem;
        const char* callee = dwarf_formstring(dwarf_attr_integrate(&child, DW_AT_name, &mem));
        if (callee == nullptr) break;
        const std::string_view name(callee);
        if (name.starts_with("await_suspend"))
          out.awaits.push_back({call_site_of(&child), class_of(&child)});
        else if (name == "initial_suspend" || name == "final_suspend")
          out.bracketing.push_back(call_site_of(&child));
        if (name == "final_suspend") out.final_suspend = call_site_of(&child);
        break;
      }
      case DW_TAG_lexical_block:
      case DW_TAG_try_block:
      case DW_TAG_catch_block:
        scan(&child, out);
        break;
      default:
        break;
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

// Which call site each co_await's awaiter (`awaiters`, types in GCC's order) left, if any:
// the sites in source order matched to the awaiters of their type in order, forwards and
// backwards. Some awaiters leave none (Asio's `this_coro::executor` has no code to inline
// but what lands on the closing brace); when both ways do not agree, or a site matches no
// awaiter, nothing is known (empty).
std::vector<const await_call*> match_awaiters(const std::vector<Dwarf_Off>& awaiters,
                                              const std::vector<await_call>& calls) {
  const std::size_t n = awaiters.size();
  std::vector<const await_call*> forwards(n, nullptr), backwards(n, nullptr);
  std::size_t next = 0;
  for (std::size_t k = 0; k < n && next < calls.size(); ++k)
    if (calls[next].awaiter == awaiters[k]) forwards[k] = &calls[next++];
  if (next != calls.size()) return {};
  std::size_t left = calls.size();
  for (std::size_t k = n; k-- > 0 && left > 0;)
    if (calls[left - 1].awaiter == awaiters[k]) backwards[k] = &calls[--left];
  if (forwards != backwards) return {};
  return forwards;
}

source_point decl_point(Dwarf_Die* actor) {
  source_point p;
  if (const char* file = dwarf_decl_file(actor)) p.file = file;
  int line = 0;
  if (dwarf_decl_line(actor, &line) == 0 && line > 0) p.line = static_cast<std::uint32_t>(line);
  return p;
}

}  // namespace

suspension_points read_suspension_points(Dwarf_Die* actor) {
  suspension_points out;
  const frame_layout layout = layout_of(actor);
  out.index_offset = layout.index_offset;
  if (out.index_offset < 0) return out;
  actor_calls found;
  scan(actor, found);
  // The co_awaits of the body that left call sites, in source order.
  std::erase_if(found.awaits, [&](const await_call& c) {
    return c.at.line == 0 || c.awaiter == 0 ||
           std::find(found.bracketing.begin(), found.bracketing.end(), c.at) != found.bracketing.end();
  });
  std::sort(found.awaits.begin(), found.awaits.end(), [](const await_call& a, const await_call& b) {
    return std::tie(a.at.line, a.at.column, a.awaiter) < std::tie(b.at.line, b.at.column, b.awaiter);
  });
  found.awaits.erase(std::unique(found.awaits.begin(), found.awaits.end(),
                                 [](const await_call& a, const await_call& b) { return a.at == b.at && a.awaiter == b.awaiter; }),
                     found.awaits.end());
  const std::vector<const await_call*> sites = match_awaiters(layout.awaiters, found.awaits);
  if (sites.empty()) return out;

  Dwarf_Die cu;
  Dwarf_Files* files = nullptr;
  std::size_t file_count = 0;
  if (dwarf_diecu(actor, &cu, nullptr, nullptr) == nullptr || dwarf_getsrcfiles(&cu, &files, &file_count) != 0)
    return out;
  const auto point_at = [&](const call_position& p) {
    source_point s;
    if (p.file < file_count)
      if (const char* file = dwarf_filesrc(files, p.file, nullptr, nullptr)) s.file = file;
    s.line = static_cast<std::uint32_t>(p.line);
    s.column = static_cast<std::uint32_t>(p.column);
    return s;
  };
  // The initial suspend waits where the function begins; the final one at its end, where
  // the promise's final_suspend is called (not known when that was not inlined).
  out.points.push_back(decl_point(actor));
  for (const await_call* site : sites) out.points.push_back(site ? point_at(site->at) : source_point{});
  out.points.push_back(found.final_suspend.line != 0 ? point_at(found.final_suspend) : source_point{});
  return out;
}

}  // namespace coroscope::detail

namespace coroscope {

const source_point* suspension_points::at(std::uint16_t index) const noexcept {
  const std::size_t k = index / 2;  // an odd index: the same point, being destroyed
  return k >= 1 && k <= points.size() ? &points[k - 1] : nullptr;
}

}  // namespace coroscope
