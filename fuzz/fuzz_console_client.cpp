// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The viewer side of the console protocol: bytes from a probe (or anything listening on
// its port) are split into frames and merged into the client's state, as
// console_client does (tasks and their operations, resources, heap views, timelines, ...).
// Malformed frames must be reported, never crash.
#include <coroscope/console/frame_codec.hpp>
#include <coroscope/console_state.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  coroscope::console::frame_decoder decoder;
  coroscope::console_state_builder builder;
  // Fed in two pieces: frames split across reads must decode the same.
  decoder.feed(in.substr(0, in.size() / 2));
  std::string payload;
  bool second_half = false;
  for (;;) {
    const auto st = decoder.next(payload);
    if (st == coroscope::console::frame_decoder::status::error) {
      if (decoder.error().empty()) std::abort();
      break;
    }
    if (st == coroscope::console::frame_decoder::status::need_more) {
      if (second_half) break;
      decoder.feed(in.substr(in.size() / 2));
      second_half = true;
      continue;
    }
    const auto r = builder.apply(payload);
    using kind = coroscope::console_state_builder::result;
    if ((r.kind == kind::malformed || r.kind == kind::out_of_sync) && r.message.empty())
      std::abort();
    // The merged state stays consistent: every listed change names a known task, and
    // what a peer sends is kept within the client's bounds.
    const auto& s = builder.state();
    for (auto id : s.added)
      if (!s.tasks.contains(id)) std::abort();
    using state = coroscope::console_state;
    if (s.resources.size() > state::kMaxResources || s.operation_kinds.size() > state::kMaxOperationKinds)
      std::abort();
    for (auto id : s.changed)
      if (s.tasks.at(id).operations.size() > state::kMaxOperationKinds) std::abort();
    // A timeline that decoded keeps the model's promises: every interval ordered and
    // inside the window.
    if (r.kind == kind::timeline && r.window) {
      const auto& t = *r.window;
      if (t.begin_ns > t.end_ns) std::abort();
      for (const auto& p : t.polls)
        if (p.begin_ns > p.end_ns || p.begin_ns < t.begin_ns || p.end_ns > t.end_ns) std::abort();
      for (const auto& p : t.parks)
        if (p.begin_ns > p.end_ns || p.end_ns > t.end_ns) std::abort();
      for (const auto& w : t.wakes)
        if (w.time_ns < t.begin_ns || w.time_ns > t.end_ns) std::abort();
    }
    if (r.kind == kind::out_of_sync) builder.reset();
  }
  return 0;
}
