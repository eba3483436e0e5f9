// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The made-up service behind `service_profile`. Code addresses are plain numbers that
// the resolver below answers for; nothing here runs or symbolizes real code.
//
//   native stack (leaf first)                       async chain of the task kind
//   ─────────────────────────                       ────────────────────────────
//   leaf function (interrupted pc), inlined helper  running coroutine  (entry pc)
//   14-26 callers, layer by layer towards layer 0    its awaiting callers (2-6 more)
//   the running coroutine's body
//   Asio: pump, do_complete, do_run_one, scheduler::run, io_context::run
//   thread start: _M_run, execute_native_thread_routine, start_thread, clone3
#include "service_profile.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "coroscope/sampler.hpp"

namespace coroscope::bench {
namespace {

using sampling::raw_sample;

constexpr int kLayers = 30;             // call depth the user code can reach
constexpr int kFunctionsPerLayer = 32;  // 960 user functions
constexpr int kCallSites = 3;           // callees (and call-site pcs) per function
constexpr int kTaskKinds = 8;
constexpr int kTasks = 200;
constexpr int kSpans = 3000;  // traced requests in flight over the profile's window

struct module_desc {
  const char* path;
  const char* build_id;
};
constexpr std::array modules = {
    module_desc{"/opt/shop/bin/shop-service", "5f0c9d4e8a7b61e2c3d4f5a6b7c8d9e0f1a2b3c4"},
    module_desc{"/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30", "e2a9f1b0c4d37e6a58b9c0d1e2f3a4b5c6d7e8f9"},
    module_desc{"/usr/lib/x86_64-linux-gnu/libc.so.6", "9a3c0e5b7d1f24a6c8e0b2d4f6a8c0e2b4d6f8a0"},
    module_desc{"/usr/lib/x86_64-linux-gnu/libssl.so.3", "1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e"},
    module_desc{"/usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "a0b1c2d3e4f5061728394a5b6c7d8e9f0a1b2c3d"},
};

constexpr std::array task_kinds = {"http-session", "accept-loop", "db-pool",   "cache-refresh",
                                   "metrics-push", "order-flow",  "auth-check", "log-shipper"};

constexpr std::array namespaces = {"shop::http::session", "shop::orders",       "shop::db::pool",
                                   "shop::cache",         "shop::auth",         "boost::beast::http::detail",
                                   "boost::json::detail", "shop::serialization"};
constexpr std::array verbs = {"parse", "handle", "encode", "decode", "lookup", "validate",
                              "serialize", "write", "read", "compute", "merge", "dispatch"};
constexpr std::array nouns = {"header", "body", "request", "response", "order", "row",
                              "token", "buffer", "field", "chunk", "entry", "record"};
constexpr std::array templates = {
    "", "", "<std::allocator<char> >",
    "<boost::beast::http::basic_fields<std::allocator<char> >, boost::beast::basic_flat_buffer<std::allocator<char> > >",
    "<shop::orders::line_item, std::vector<shop::orders::line_item, std::allocator<shop::orders::line_item> > >"};
constexpr std::array parameters = {
    "()", "(std::basic_string_view<char, std::char_traits<char> >)",
    "(shop::http::request const&, boost::system::error_code&)",
    "(std::span<char const, 18446744073709551615ul>, unsigned long)"};

// Where Asio runs a coroutine and where a thread starts (the names GCC 12 and Boost 1.81
// give them): the builder cuts a task's stack at these.
constexpr std::array worker_base = {
    "boost::asio::detail::awaitable_thread<boost::asio::any_io_executor>::pump()",
    "boost::asio::detail::executor_op<boost::asio::detail::executor_function, std::allocator<void>, "
    "boost::asio::detail::scheduler_operation>::do_complete(void*, boost::asio::detail::scheduler_operation*, "
    "boost::system::error_code const&, unsigned long)",
    "boost::asio::detail::scheduler::do_run_one(boost::asio::detail::conditionally_enabled_mutex::scoped_lock&, "
    "boost::asio::detail::scheduler_thread_info&, boost::system::error_code const&)",
    "boost::asio::detail::scheduler::run(boost::system::error_code&)",
    "boost::asio::io_context::run()",
};
constexpr std::array thread_base = {
    "std::thread::_State_impl<std::thread::_Invoker<std::tuple<shop::worker_pool::start()::{lambda()#1}> > >::_M_run()",
    "execute_native_thread_routine", "start_thread", "clone3"};

// The resolver: every pc the service uses, with the frames the symbol cache would give.
class service_symbols final : public frame_resolver {
 public:
  const std::vector<frame>& symbolize(std::uintptr_t pc, bool) override {
    if (auto it = frames_.find(pc); it != frames_.end()) return it->second;
    frame unknown;
    unknown.address = pc;
    unknown_.assign(1, unknown);
    return unknown_;
  }

  // Adds `pc` in `module` with `function` at `line`, and, when `inlined` is not empty, an
  // inlined callee's frame before it.
  void add(std::uintptr_t pc, std::size_t module, const std::string& function, const std::string& file,
           std::uint32_t line, const std::string& inlined = {}) {
    std::vector<frame>& frames = frames_[pc];
    // Each frame with its own id, as the symbol cache gives them.
    auto make = [&](const std::string& name, std::uint32_t at) {
      return frame{.function = name, .file = file, .line = at, .address = pc - 0x400000,
                   .module = modules[module].path, .build_id = modules[module].build_id,
                   .id = reserve_frame_ids(1)};
    };
    if (!inlined.empty()) frames.push_back(make(inlined, line + 40));
    frames.push_back(make(function, line));
  }

 private:
  std::unordered_map<std::uintptr_t, std::vector<frame>> frames_;
  std::vector<frame> unknown_;
};

// pc layout: 0x400000 + 0x100000 * region + 0x40 * index + slot.
constexpr std::uintptr_t pc_of(int region, int index, int slot) {
  return 0x400000u + 0x100000u * static_cast<std::uintptr_t>(region) + 0x40u * static_cast<std::uintptr_t>(index) +
         static_cast<std::uintptr_t>(slot);
}
constexpr int kUserRegion = 1, kCoroutineRegion = 2, kBaseRegion = 3;

int user_index(int layer, int function) { return layer * kFunctionsPerLayer + function; }

class service {
 public:
  service() : random_(2026) {
    std::uniform_int_distribution<std::size_t> pick(0, 1000);
    for (int layer = 0; layer < kLayers; ++layer) {
      for (int f = 0; f < kFunctionsPerLayer; ++f) {
        const int index = user_index(layer, f);
        // Deep layers are library code: a quarter of those functions live in a library.
        const std::size_t module = layer > 20 && f % 4 == 0 ? 1 + static_cast<std::size_t>(f / 4) % 4 : 0;
        const std::string name = std::string(namespaces[static_cast<std::size_t>(index) % namespaces.size()]) +
                                 "::" + verbs[pick(random_) % verbs.size()] + "_" +
                                 nouns[pick(random_) % nouns.size()] + "_" + std::to_string(index) +
                                 templates[pick(random_) % templates.size()] +
                                 parameters[pick(random_) % parameters.size()];
        const std::string file = module == 0 ? "/opt/shop/src/" + std::to_string(index % 90) + "/unit.cpp"
                                             : "/usr/include/c++/12/bits/unit_" + std::to_string(index % 30) + ".h";
        const auto line = static_cast<std::uint32_t>(20 + pick(random_) % 900);
        // A fifth of the code addresses hold an inlined helper.
        auto helper = [&](int slot) {
          return pick(random_) % 5 == 0 ? "shop::detail::inline_helper_" + std::to_string(index * 4 + slot) + "()"
                                        : std::string();
        };
        for (int slot = 0; slot <= kCallSites; ++slot)  // slot kCallSites: the leaf pc
          symbols_.add(pc_of(kUserRegion, index, slot), module, name, file,
                       line + static_cast<std::uint32_t>(slot * 3), helper(slot));
      }
    }
    for (std::size_t kind = 0; kind < task_kinds.size(); ++kind) {
      for (int c = 0; c < 7; ++c) {  // a kind's chain: coroutine 0 runs, 1..6 await it
        const int index = static_cast<int>(kind) * 8 + c;
        const std::string name = std::string("shop::") + task_kinds[kind] + "_step_" + std::to_string(c) +
                                 "(shop::context&, boost::asio::any_io_executor) [clone .actor]";
        const std::string file = "/opt/shop/src/tasks/" + std::string(task_kinds[kind]) + ".cpp";
        symbols_.add(pc_of(kCoroutineRegion, index, 0), 0, name, file, 30);  // entry
        for (int body = 1; body <= 3; ++body)
          symbols_.add(pc_of(kCoroutineRegion, index, body), 0, name, file, static_cast<std::uint32_t>(30 + body * 7));
      }
    }
    for (std::size_t i = 0; i < worker_base.size(); ++i)
      symbols_.add(pc_of(kBaseRegion, static_cast<int>(i), 0), 0, worker_base[i], "/usr/include/boost/asio/impl.hpp",
                   static_cast<std::uint32_t>(100 + i));
    for (std::size_t i = 0; i < thread_base.size(); ++i)
      symbols_.add(pc_of(kBaseRegion, 16 + static_cast<int>(i), 0), i == 0 ? 0 : i == 1 ? 1 : 2, thread_base[i], "",
                   0);
    symbols_.add(pc_of(kBaseRegion, 32, 0), 0, "shop::log_writer::run()", "/opt/shop/src/log_writer.cpp", 77);

    std::discrete_distribution<int> kind_of({30, 5, 20, 8, 3, 20, 10, 4});
    for (int t = 0; t < kTasks; ++t) task_kind_[t] = kind_of(random_);
    for (auto& span : spans_) {
      for (auto& b : span.trace) b = static_cast<std::uint8_t>(pick(random_));
      for (auto& b : span.span) b = static_cast<std::uint8_t>(pick(random_));
    }
  }

  raw_sample next() {
    raw_sample raw{};
    raw.timestamp_ns = 1'700'000'000'000'000'000ULL + 10'101'010ULL * ++taken_;
    raw.weight_ns = 10'101'010;
    raw.tid = 100;
    std::uniform_int_distribution<int> percent(0, 99);
    sampling::sample_context& ctx = raw.context;
    const bool in_task = percent(random_) >= 10;
    const int walk = std::uniform_int_distribution<int>(in_task ? 14 : 16, in_task ? 26 : 28)(random_);
    int kind = 0;
    if (in_task) {
      const int task = std::uniform_int_distribution<int>(0, kTasks - 1)(random_);
      kind = task_kind_[task];
      ctx.task_id = static_cast<std::uint64_t>(task + 1);
      std::snprintf(ctx.task_name, sizeof ctx.task_name, "%s", task_kinds[static_cast<std::size_t>(kind)]);
      ctx.worker = percent(random_) % 2;
      if (percent(random_) < 20) {
        const auto& span = spans_[static_cast<std::size_t>(std::uniform_int_distribution<int>(0, kSpans - 1)(random_))];
        ctx.has_trace = true;
        std::memcpy(ctx.trace_id, span.trace.data(), span.trace.size());
        std::memcpy(ctx.span_id, span.span.data(), span.span.size());
      }
    }
    // The user code: a walk down the layers, leaf first once reversed.
    std::vector<std::uintptr_t> callers;  // root first
    std::discrete_distribution<int> callee({60, 25, 15});
    int function = (kind * 4 + std::uniform_int_distribution<int>(0, 3)(random_)) % kFunctionsPerLayer;
    int slot = callee(random_);
    for (int layer = 0; layer < walk; ++layer) {
      const int index = user_index(layer, function);
      slot = layer + 1 == walk ? kCallSites : callee(random_);
      callers.push_back(pc_of(kUserRegion, index, slot));
      function = (function * 7 + slot * 13 + 1) % kFunctionsPerLayer;
    }
    std::vector<std::uintptr_t> pcs(callers.rbegin(), callers.rend());
    if (in_task) {
      const int running = kind * 8;
      pcs.push_back(pc_of(kCoroutineRegion, running, 1 + percent(random_) % 3));
      for (std::size_t i = 0; i < worker_base.size(); ++i) pcs.push_back(pc_of(kBaseRegion, static_cast<int>(i), 0));
      // The chain: 3 to 7 coroutines; the kind decides the usual length.
      ctx.async_depth = static_cast<std::uint16_t>(3 + (kind + percent(random_) % 2) % 5);
      for (int c = 0; c < ctx.async_depth; ++c) ctx.async_pcs[c] = pc_of(kCoroutineRegion, running + c, 0);
    } else {
      pcs.push_back(pc_of(kBaseRegion, 32, 0));
    }
    for (std::size_t i = 0; i < thread_base.size(); ++i) pcs.push_back(pc_of(kBaseRegion, 16 + static_cast<int>(i), 0));
    raw.depth = static_cast<std::uint16_t>(std::min(pcs.size(), sampling::kMaxFrames));
    std::copy_n(pcs.begin(), raw.depth, raw.pcs);
    return raw;
  }

  std::shared_ptr<service_symbols> take_symbols() { return std::make_shared<service_symbols>(std::move(symbols_)); }

 private:
  struct span_ids {
    std::array<std::uint8_t, 16> trace{};
    std::array<std::uint8_t, 8> span{};
  };
  std::mt19937_64 random_;
  service_symbols symbols_;
  std::array<int, kTasks> task_kind_{};
  std::array<span_ids, kSpans> spans_{};
  std::uint64_t taken_ = 0;
};

}  // namespace

service_samples service_raw_samples(std::size_t samples) {
  service s;
  service_samples out;
  out.raws.reserve(samples);
  for (std::size_t i = 0; i < samples; ++i) out.raws.push_back(s.next());
  out.symbols = s.take_symbols();
  return out;
}

cpu_profile service_profile(std::size_t samples, service_profile_shape* shape) {
  const service_samples raw = service_raw_samples(samples);
  cpu_profile profile = build_cpu_profile(raw.raws, *raw.symbols, raw.period_ns);
  profile.main_module = modules[0].path;
  if (shape != nullptr) {
    *shape = {.min_depth = ~std::size_t{0}};
    std::unordered_set<std::string> distinct;
    for (const sample& x : profile.samples) {
      for (const std::uint32_t index : x.stack) {
        const frame& f = profile.frames[index];
        distinct.insert(f.function + '\0' + f.module + '\0' + std::to_string(f.address) + ':' + std::to_string(f.line));
      }
      shape->frames += x.stack.size();
      shape->min_depth = std::min(shape->min_depth, x.stack.size());
      shape->max_depth = std::max(shape->max_depth, x.stack.size());
    }
    shape->distinct_frames = distinct.size();
  }
  return profile;
}

}  // namespace coroscope::bench
