// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/sampler.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace {

using coroscope::cpu_profile;
using coroscope::frame;
using coroscope::sampling::raw_sample;

// A symbolizer stand-in: each pc maps to a list of function names, innermost first.
// Unknown pcs give one unnamed frame, as the real symbolizer does. Like the symbol cache,
// it gives each frame an id and the same frames on every answer. Records every lookup.
class fake_symbols final : public coroscope::frame_resolver {
 public:
  fake_symbols(std::initializer_list<std::pair<const std::uintptr_t, std::vector<std::string>>> table)
      : table_(table) {}

  const std::vector<frame>& symbolize(std::uintptr_t pc, bool return_address) override {
    lookups.emplace_back(pc, return_address);
    auto [cached, inserted] = cache_.try_emplace(pc);
    std::vector<frame>& frames = cached->second;
    if (!inserted) return frames;
    if (auto it = table_.find(pc); it != table_.end()) {
      for (const std::string& name : it->second) {
        frame f;
        f.function = name;
        f.address = pc;
        frames.push_back(std::move(f));
      }
    } else {
      frame f;
      f.address = pc;
      f.module = "unknown.so";
      frames.push_back(std::move(f));
    }
    const std::uint64_t first_id = coroscope::reserve_frame_ids(frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) frames[i].id = first_id + i;
    return frames;
  }

  std::string table_name(std::uintptr_t pc) const {
    auto it = table_.find(pc);
    return it == table_.end() ? std::string() : it->second.back();
  }

  std::vector<std::pair<std::uintptr_t, bool>> lookups;

 private:
  std::map<std::uintptr_t, std::vector<std::string>> table_;
  std::map<std::uintptr_t, std::vector<frame>> cache_;
};

// Native pcs of a worker inside a coroutine, leaf first, and the entry addresses of the
// coroutines. 0x1xx are native pcs, 0x2xx entry addresses.

// Names as the symbolizer gives them (GCC 12, Boost 1.81).
constexpr const char* kPump = "boost::asio::detail::awaitable_thread<boost::asio::any_io_executor>::pump()";
constexpr const char* kRun = "boost::asio::io_context::run()";
// Where the probe's hooks enter a poll: Asio's handler invocation in an operation.
constexpr const char* kPollRunner =
    "boost::asio::detail::wait_handler<boost::asio::detail::awaitable_handler<boost::asio::any_io_executor, "
    "boost::system::error_code>, boost::asio::any_io_executor>::do_complete(void*, "
    "boost::asio::detail::scheduler_operation*, boost::system::error_code const&, unsigned long)";
constexpr const char* kDoComplete =
    "boost::asio::detail::executor_op<boost::asio::detail::executor_function, "
    "std::allocator<void>, boost::asio::detail::scheduler_operation>::do_complete(void*, "
    "boost::asio::detail::scheduler_operation*, boost::system::error_code const&, unsigned long)";
constexpr const char* kDoRunOne =
    "boost::asio::detail::scheduler::do_run_one(boost::asio::detail::conditionally_enabled_mutex::scoped_lock&, "
    "boost::asio::detail::scheduler_thread_info&, boost::system::error_code const&)";
constexpr const char* kExecutorFunction = "boost::asio::detail::executor_function::operator()()";
constexpr const char* kWorkDispatcher =
    "boost::asio::detail::work_dispatcher<boost::asio::detail::awaitable_handler<boost::asio::any_io_executor>, "
    "boost::asio::any_io_executor, void>::operator()()";
constexpr const char* kTaskExecute =
    "void coroscope::basic_task_executor<boost::asio::io_context::basic_executor_type<std::allocator<void>, 0ul>, "
    "true>::execute<boost::asio::detail::executor_function>(boost::asio::detail::executor_function&&) const";
constexpr const char* kInitiateLambda =
    "auto boost::asio::async_result<boost::asio::use_awaitable_t<boost::asio::any_io_executor>, void ()>::initiate<"
    "boost::asio::detail::initiate_post_with_executor<boost::asio::any_io_executor>>(boost::asio::detail::"
    "initiate_post_with_executor<boost::asio::any_io_executor>, boost::asio::use_awaitable_t<boost::asio::any_io_"
    "executor>)::{lambda(auto:1*)#1}::operator()<boost::asio::detail::awaitable_frame_base<boost::asio::any_io_"
    "executor> >(boost::asio::detail::awaitable_frame_base<boost::asio::any_io_executor>*) const";
constexpr const char* kInitiate =
    "boost::asio::awaitable<void, boost::asio::any_io_executor> boost::asio::async_result<boost::asio::use_"
    "awaitable_t<boost::asio::any_io_executor>, void ()>::initiate<boost::asio::detail::initiate_post_with_"
    "executor<boost::asio::any_io_executor>>(boost::asio::detail::initiate_post_with_executor<boost::asio::any_"
    "io_executor>, boost::asio::use_awaitable_t<boost::asio::any_io_executor>)";
constexpr const char* kRecordFailure =
    "boost::asio::awaitable<void, boost::asio::any_io_executor> coroscope::detail::record_failure<void, "
    "boost::asio::any_io_executor>(boost::asio::awaitable<void, boost::asio::any_io_executor>)";
constexpr const char* kAwaitTimer = "coroscope::detail::await_timer::~await_timer()";
constexpr const char* kThreadRun =
    "std::thread::_State_impl<std::thread::_Invoker<std::tuple<coroscope::detail::probe_core::run(unsigned "
    "int)::{lambda()#1}> > >::_M_run()";

fake_symbols service_symbols() {
  return fake_symbols{
      {0x100, {"memcpy"}},
      {0x110, {"inline_helper", "parse_body"}},  // parse_body's resume fn, with an inlined helper
      {0x120, {kPump}},
      {0x130, {kRun}},
      {0x140, {"start_thread"}},
      {0x150, {kPollRunner}},
      {0x160, {kDoComplete}},
      {0x170, {kDoRunOne}},
      {0x180, {kExecutorFunction}},
      {0x190, {kWorkDispatcher}},
      {0x1a0, {kTaskExecute}},
      {0x1b0, {kInitiateLambda}},
      {0x1c0, {"coroscope::detail::probe_core::worker_main(unsigned int)"}},
      {0x1d0, {kThreadRun}},
      {0x1e0, {"clone3"}},
      {0x1f0, {kAwaitTimer}},
      {0x200, {"parse_body"}},
      {0x210, {"handle_request"}},
      {0x220, {"accept_loop"}},
      {0x230, {"elsewhere"}},
      {0x240, {kInitiate}},
      {0x250, {"yield()"}},
      {0x260, {kRecordFailure}},
      // The task pool's helper inlined into the probe's code, named by DWARF alone.
      // Asio's pump resuming the running coroutine (inlined frames, innermost first).
      {0x280, {"std::__n4861::coroutine_handle<void>::resume() const",
               "boost::asio::detail::awaitable_frame_base<boost::asio::any_io_executor>::resume()", kPump}},
      {0x270, {"std::__atomic_base<unsigned long>::load(std::memory_order) const", "pop_free",
               "coroscope::detail::task_pool::acquire(coroscope::detail::probe_id)"}},
  };
}

// A worker's run loop below a poll, leaf first: do_complete ... clone3.
constexpr std::initializer_list<std::uintptr_t> kRunLoop = {0x150, 0x160, 0x170, 0x130, 0x1c0, 0x1d0, 0x140, 0x1e0};

raw_sample make_raw(std::initializer_list<std::uintptr_t> pcs);

// `task_pcs` then the run loop.
raw_sample in_poll(std::initializer_list<std::uintptr_t> task_pcs) {
  raw_sample s = make_raw(task_pcs);
  for (std::uintptr_t pc : kRunLoop) s.pcs[s.depth++] = pc;
  return s;
}

raw_sample make_raw(std::initializer_list<std::uintptr_t> pcs) {
  raw_sample s{};
  s.timestamp_ns = 1'000'000;
  s.weight_ns = 10'101'010;
  s.tid = 7;
  for (std::uintptr_t pc : pcs) s.pcs[s.depth++] = pc;
  return s;
}

void in_task(raw_sample& s, std::uint64_t id, const char* name,
             std::initializer_list<std::uintptr_t> async_pcs) {
  s.context.task_id = id;
  std::strncpy(s.context.task_name, name, sizeof s.context.task_name - 1);
  for (std::uintptr_t pc : async_pcs) s.context.async_pcs[s.context.async_depth++] = pc;
}

std::vector<std::string> names(const cpu_profile& p, const coroscope::sample& s) {
  std::vector<std::string> out;
  for (const frame& f : p.frames_of(s)) out.push_back((f.is_task_frame ? "task:" : "") + f.function);
  return out;
}

cpu_profile build(const std::vector<raw_sample>& raws, coroscope::frame_resolver& symbols) {
  return coroscope::build_cpu_profile(raws, symbols, 10'101'010);
}

TEST(SamplesToProfile, OutsideTasksKeepsTheNativeStack) {
  fake_symbols symbols = service_symbols();
  const cpu_profile p = build({make_raw({0x100, 0x110, 0x130, 0x140})}, symbols);
  ASSERT_EQ(p.samples.size(), 1u);
  EXPECT_EQ(names(p, p.samples[0]),
            (std::vector<std::string>{"memcpy", "inline_helper", "parse_body", kRun, "start_thread"}));
  EXPECT_TRUE(p.samples[0].labels.empty());
  // The interrupted pc is looked up as is, the rest as return addresses.
  ASSERT_EQ(symbols.lookups.size(), 4u);
  EXPECT_EQ(symbols.lookups[0], (std::pair<std::uintptr_t, bool>{0x100, false}));
  EXPECT_EQ(symbols.lookups[1], (std::pair<std::uintptr_t, bool>{0x110, true}));
  EXPECT_EQ(symbols.lookups[3], (std::pair<std::uintptr_t, bool>{0x140, true}));
}

TEST(SamplesToProfile, AsyncStackReplacesTheNativeFramesBelowTheRunningCoroutine) {
  fake_symbols symbols = service_symbols();
  raw_sample s = make_raw({0x100, 0x110, 0x120, 0x130, 0x140});
  in_task(s, 42, "accept-loop", {0x200, 0x210, 0x220});
  const cpu_profile p = build({s}, symbols);
  ASSERT_EQ(p.samples.size(), 1u);
  EXPECT_EQ(names(p, p.samples[0]),
            (std::vector<std::string>{"memcpy", "inline_helper", "parse_body", "handle_request",
                                      "accept_loop", "task:accept-loop"}));
  const frame& root = p.frames[p.samples[0].stack.back()];
  EXPECT_TRUE(root.is_task_frame);
  EXPECT_EQ(root.address, 0u);
  // Entry addresses are not return addresses.
  for (const auto& [pc, return_address] : symbols.lookups) {
    if (pc >= 0x200) {
      EXPECT_FALSE(return_address) << std::hex << pc;
    }
  }
}

// The probe names a task off the hot path: a sample taken before that carries the
// task's own coroutine instead, and the profile names the task after it, as the probe
// will (a task's whole CPU may come before its name: short tasks end first).
TEST(SamplesToProfile, ATaskNotNamedYetIsNamedAfterItsCoroutine) {
  fake_symbols symbols = service_symbols();
  raw_sample s = make_raw({0x100, 0x110, 0x120, 0x130, 0x140});
  in_task(s, 42, "", {0x200, 0x210, 0x220});
  s.context.entry_fn = 0x220;
  raw_sample op = s;  // Asio's coroutine of one operation: no function of the user's
  op.context.entry_fn = 0x240;
  const cpu_profile p = build({s, op}, symbols);
  ASSERT_EQ(p.samples.size(), 2u);
  EXPECT_EQ(names(p, p.samples[0]).back(), "task:accept_loop");
  EXPECT_EQ(p.samples[0].labels.at("task"), "accept_loop");
  EXPECT_EQ(p.samples[0].labels.at("task_id"), "42");
  EXPECT_EQ(names(p, p.samples[1]).back(), "task:task#42");
  EXPECT_FALSE(p.samples[1].labels.contains("task"));
}

TEST(SamplesToProfile, AsyncStackAlsoBelowARealRunLoop) {
  fake_symbols symbols = service_symbols();
  raw_sample s = in_poll({0x100, 0x110, 0x120, 0x180});
  in_task(s, 42, "accept-loop", {0x200, 0x210, 0x220});
  const cpu_profile p = build({s}, symbols);
  EXPECT_EQ(names(p, p.samples[0]),
            (std::vector<std::string>{"memcpy", "inline_helper", "parse_body", "handle_request",
                                      "accept_loop", "task:accept-loop"}));
}

// Issue 14: a task awaiting a post. The coroutine has suspended and Asio's pump runs the
// initiation: the running coroutine (`initiate`) is not on the native stack. The whole
// native stack, thread start included, used to stay on top of the async frames.
TEST(SamplesToProfile, RunningCoroutineNotOnTheNativeStackCutsAtThePollBoundary) {
  fake_symbols symbols = service_symbols();
  raw_sample s = in_poll({0x100, 0x1b0, 0x120, 0x180});
  in_task(s, 9, "audit", {0x240, 0x250, 0x210, 0x260});
  const cpu_profile p = build({s}, symbols);
  EXPECT_EQ(names(p, p.samples[0]),
            (std::vector<std::string>{"memcpy", kInitiateLambda, kInitiate, "yield()",
                                      "handle_request", "task:audit"}));
}

// A sample taken while a function the running coroutine calls is entering or leaving:
// the frame-pointer walk skips its caller, the coroutine itself. What sits on
// `coroutine_handle::resume` runs inside the running coroutine; Asio's resume frames go.
TEST(SamplesToProfile, LeafWhoseCallerTheWalkLostSitsOnTheRunningCoroutine) {
  fake_symbols symbols = service_symbols();
  raw_sample s = in_poll({0x100, 0x280, 0x180});
  in_task(s, 42, "accept-loop", {0x200, 0x210, 0x220});
  const cpu_profile p = build({s}, symbols);
  EXPECT_EQ(names(p, p.samples[0]), (std::vector<std::string>{"memcpy", "parse_body", "handle_request",
                                                            "accept_loop", "task:accept-loop"}));
}

// A dispatch that runs inline: the task's own poll inside another poll on the same
// thread (of this task or its parent). The leaf-most boundary is the inner poll's pump.
TEST(SamplesToProfile, InlineDispatchCutsAtTheInnermostPoll) {
  fake_symbols symbols = service_symbols();
  // inner poll: memcpy, pump, executor_function, do_complete; then the dispatch from the
  // outer poll: execute, work_dispatcher, executor_function, then the outer poll's run loop.
  raw_sample s = in_poll({0x100, 0x120, 0x180, 0x150, 0x1a0, 0x190, 0x180});
  in_task(s, 9, "audit", {0x240, 0x250});
  const cpu_profile p = build({s}, symbols);
  EXPECT_EQ(names(p, p.samples[0]),
            (std::vector<std::string>{"memcpy", kInitiate, "yield()", "task:audit"}));
}

// The running coroutine's function also runs below the boundary (a parent task running the
// same coroutine dispatched this one inline): only a frame above the boundary is it.
TEST(SamplesToProfile, RunningCoroutineBelowTheBoundaryIsAnotherPoll) {
  fake_symbols symbols = service_symbols();
  raw_sample s = in_poll({0x100, 0x120, 0x150, 0x110, 0x120, 0x180});
  in_task(s, 42, "child", {0x200, 0x210});
  const cpu_profile p = build({s}, symbols);
  EXPECT_EQ(names(p, p.samples[0]),
            (std::vector<std::string>{"memcpy", "parse_body", "handle_request", "task:child"}));
}

TEST(SamplesToProfile, UnknownRunningCoroutineCutsAtTheBoundary) {
  fake_symbols symbols = service_symbols();
  raw_sample s = in_poll({0x100, 0x110});
  in_task(s, 3, "jit", {0x999});  // unsymbolized: empty function never matches
  const cpu_profile p = build({s}, symbols);
  ASSERT_EQ(p.samples[0].stack.size(), 5u) << testing::PrintToString(names(p, p.samples[0]));
  const frame& running = p.frames[p.samples[0].stack[3]];
  EXPECT_EQ(running.module, "unknown.so");
  EXPECT_EQ(running.address, 0x999u);
  EXPECT_EQ(names(p, p.samples[0]).back(), "task:jit");
}

TEST(SamplesToProfile, WithoutABoundaryTheNativeStackStays) {
  // A walk cut short (64 pcs) may end before any run-loop frame: nothing to cut.
  fake_symbols symbols = service_symbols();
  raw_sample s = make_raw({0x100, 0x180});
  in_task(s, 42, "accept-loop", {0x200, 0x210});
  const cpu_profile p = build({s}, symbols);
  EXPECT_EQ(names(p, p.samples[0]), (std::vector<std::string>{"memcpy", kExecutorFunction, "parse_body",
                                                            "handle_request", "task:accept-loop"}));
}

TEST(SamplesToProfile, TaskWithoutAsyncStackGetsATaskFrameAboveTheBoundary) {
  fake_symbols symbols = service_symbols();
  raw_sample s = in_poll({0x100, 0x110, 0x120, 0x180});
  in_task(s, 5, "worker-task", {});
  const cpu_profile p = build({s}, symbols);
  EXPECT_EQ(names(p, p.samples[0]),
            (std::vector<std::string>{"memcpy", "inline_helper", "parse_body", "task:worker-task"}));
}

TEST(SamplesToProfile, CoroscopesOwnFramesAreHiddenInTasks) {
  fake_symbols symbols = service_symbols();
  // TIMED_AWAIT's timer at the leaf, the task executor's execute (a post) and the task
  // pool with its inlined helpers in the middle, coroscope::co_spawn's wrapper coroutine
  // at the root of the async chain.
  raw_sample s = in_poll({0x1f0, 0x100, 0x270, 0x1a0, 0x110, 0x120, 0x180});
  in_task(s, 42, "accept-loop", {0x200, 0x210, 0x260});
  const cpu_profile p = build({s}, symbols);
  EXPECT_EQ(names(p, p.samples[0]), (std::vector<std::string>{"memcpy", "inline_helper", "parse_body",
                                                            "handle_request", "task:accept-loop"}));
  // Outside tasks nothing is hidden.
  const cpu_profile q = build({make_raw({0x1f0, 0x100})}, symbols);
  EXPECT_EQ(names(q, q.samples[0]), (std::vector<std::string>{kAwaitTimer, "memcpy"}));
}

TEST(SamplesToProfile, EveryRunLoopFrameIsABoundary) {
  // Whichever run-loop frame is the leaf-most, the task's stack ends right above it (and
  // above Asio's pump, the first boundary in these stacks).
  fake_symbols symbols = service_symbols();
  for (std::uintptr_t loop_pc : kRunLoop) {
    for (bool async : {false, true}) {
      raw_sample s = make_raw({0x100, 0x120, loop_pc, 0x110});
      for (std::uintptr_t pc : kRunLoop) s.pcs[s.depth++] = pc;
      if (async) {
        in_task(s, 1, "t", {0x200, 0x210});
      } else {
        in_task(s, 1, "t", {});
      }
      const cpu_profile p = build({s}, symbols);
      const std::vector<std::string> expected =
          async ? std::vector<std::string>{"memcpy", "parse_body", "handle_request", "task:t"}
                : std::vector<std::string>{"memcpy", "task:t"};
      EXPECT_EQ(names(p, p.samples[0]), expected) << symbols.table_name(loop_pc);
    }
  }
}

TEST(SamplesToProfile, UnnamedTaskFrameUsesTheId) {
  fake_symbols symbols = service_symbols();
  raw_sample s = make_raw({0x100});
  in_task(s, 17, "", {});
  const cpu_profile p = build({s}, symbols);
  EXPECT_EQ(names(p, p.samples[0]).back(), "task:task#17");
  EXPECT_EQ(p.samples[0].labels.count("task"), 0u);
  EXPECT_EQ(p.samples[0].labels.at("task_id"), "17");
}

// A task's frame is one entry of the frame table, shared by every sample of that name.
TEST(SamplesToProfile, TaskFramesOfOneNameShareAFrame) {
  fake_symbols symbols = service_symbols();
  std::vector<raw_sample> raws;
  for (auto [id, name] : {std::pair<std::uint64_t, const char*>{1, "accept"}, {2, "session"}, {3, "accept"}, {4, ""}}) {
    raw_sample s = make_raw({0x100});
    in_task(s, id, name, {});
    raws.push_back(s);
  }
  const cpu_profile p = build(raws, symbols);
  ASSERT_EQ(p.samples.size(), 4u);
  auto root = [&p](std::size_t i) { return p.samples[i].stack.back(); };
  EXPECT_EQ(p.frames[root(0)].function, "accept");
  EXPECT_EQ(root(0), root(2));  // both "accept"
  EXPECT_NE(root(0), root(1));
  EXPECT_NE(root(3), root(0));  // "task#4"
  EXPECT_NE(root(3), root(1));
  // memcpy, which the symbolizer returned for every sample, and the three tasks' frames.
  EXPECT_EQ(p.frames.size(), 4u);
}

// A symbolizer that gives no ids (one a user wrote): the answers of `inner` with every id 0.
class id_less_symbols final : public coroscope::frame_resolver {
 public:
  explicit id_less_symbols(fake_symbols& inner) : inner_(inner) {}

  const std::vector<frame>& symbolize(std::uintptr_t pc, bool return_address) override {
    answer_ = inner_.symbolize(pc, return_address);
    for (frame& f : answer_) f.id = 0;
    return answer_;
  }

 private:
  fake_symbols& inner_;
  std::vector<frame> answer_;
};

// Frames without an id are stored for each sample that names them; the stacks read the
// same as with ids, where each is stored once and equal stacks are equal index lists.
TEST(SamplesToProfile, FramesWithoutIdsAreStoredPerSampleAndReadTheSame) {
  std::vector<raw_sample> raws;
  for (std::uint64_t id : {1u, 2u}) {
    raw_sample s = in_poll({0x100, 0x110, 0x120, 0x180});
    in_task(s, id, "accept-loop", {0x200, 0x210, 0x220});
    raws.push_back(s);
  }
  fake_symbols with_ids = service_symbols();
  fake_symbols inner = service_symbols();
  id_less_symbols without_ids(inner);
  const cpu_profile shared = build(raws, with_ids);
  const cpu_profile apart = build(raws, without_ids);
  ASSERT_EQ(apart.samples.size(), 2u);
  const std::vector<std::string> expected{"memcpy",         "inline_helper", "parse_body",
                                          "handle_request", "accept_loop",   "task:accept-loop"};
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(names(apart, apart.samples[i]), expected);
    EXPECT_EQ(names(shared, shared.samples[i]), expected);
  }
  EXPECT_EQ(shared.samples[0].stack, shared.samples[1].stack);
  EXPECT_EQ(shared.frames.size(), expected.size());
  EXPECT_NE(apart.samples[0].stack, apart.samples[1].stack);
  EXPECT_GE(apart.frames.size(), 2 * (expected.size() - 1) + 1);  // the task frame once
}

TEST(SamplesToProfile, LabelsOnlyWhenKnown) {
  fake_symbols symbols = service_symbols();
  raw_sample with = make_raw({0x100});
  in_task(with, 42, "accept-loop", {});
  with.context.worker = 3;
  with.context.has_trace = true;
  for (int i = 0; i < 16; ++i) with.context.trace_id[i] = static_cast<std::uint8_t>(0xa0 + i);
  for (int i = 0; i < 8; ++i) with.context.span_id[i] = static_cast<std::uint8_t>(i);
  raw_sample worker_only = make_raw({0x100});
  worker_only.context.worker = 0;
  const cpu_profile p = build({with, worker_only, make_raw({0x100})}, symbols);
  ASSERT_EQ(p.samples.size(), 3u);
  EXPECT_EQ(p.samples[0].labels,
            (std::map<std::string, std::string>{
                {"task", "accept-loop"},
                {"task_id", "42"},
                {"worker", "3"},
                {"trace_id", "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"},
                {"span_id", "0001020304050607"}}));
  EXPECT_EQ(p.samples[1].labels, (std::map<std::string, std::string>{{"worker", "0"}}));
  EXPECT_TRUE(p.samples[2].labels.empty());
}

TEST(SamplesToProfile, WeightsTimestampsAndWindow) {
  fake_symbols symbols = service_symbols();
  raw_sample a = make_raw({0x100});
  a.timestamp_ns = 5'000'000'000;
  raw_sample b = make_raw({0x100});
  b.timestamp_ns = 6'000'000'000;
  b.weight_ns = 30'303'030;  // two overruns
  const cpu_profile p = build({a, b}, symbols);
  ASSERT_EQ(p.samples.size(), 2u);
  EXPECT_EQ(p.samples[0].count, 1);
  EXPECT_EQ(p.samples[0].cpu_ns, 10'101'010);
  EXPECT_EQ(p.samples[1].cpu_ns, 30'303'030);
  EXPECT_EQ(p.samples[1].timestamp_ns, 6'000'000'000u);
  EXPECT_EQ(p.period_ns, 10'101'010);
  EXPECT_EQ(p.start_ns, 5'000'000'000u);
  EXPECT_EQ(p.duration_ns, 1'000'000'000u + 10'101'010u);
  // An explicit window wins.
  const cpu_profile q = coroscope::build_cpu_profile(std::vector<raw_sample>{a}, symbols, 1, 7, 9);
  EXPECT_EQ(q.start_ns, 7u);
  EXPECT_EQ(q.duration_ns, 9u);
}

TEST(SamplesToProfile, ClampsDepthsFromACorruptRecord) {
  fake_symbols symbols = service_symbols();
  raw_sample s = make_raw({0x100});
  s.depth = 1000;
  s.context.task_id = 1;
  s.context.async_depth = 1000;
  const cpu_profile p = build({s}, symbols);
  EXPECT_EQ(p.samples[0].stack.size(),
            coroscope::sampling::kMaxFrames + coroscope::sampling::kMaxAsyncFrames + 1);
}

// Anything with the symbolizer's member function works through the template overload,
// as coroscope::symbolizer will.
struct duck_symbolizer {
  const std::vector<frame>& symbolize(std::uintptr_t pc, bool) {
    frames.assign(1, frame{});
    frames[0].function = "duck";
    frames[0].address = pc;
    return frames;
  }
  std::vector<frame> frames;
};

TEST(SamplesToProfile, AcceptsAnySymbolizerShapedType) {
  duck_symbolizer symbols;
  const std::vector<raw_sample> raws{make_raw({0x1, 0x2})};
  const cpu_profile p = coroscope::build_cpu_profile(raws, symbols, 10);
  ASSERT_EQ(p.samples.size(), 1u);
  EXPECT_EQ(names(p, p.samples[0]), (std::vector<std::string>{"duck", "duck"}));
}

}  // namespace
