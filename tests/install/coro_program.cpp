// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::coro alone: named child tasks with coroscope::co_spawn, a W3C trace context
// set on a task that follows it across an await, this_task::id.
#include <cstdint>
#include <exception>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <coroscope/probe.hpp>
#include <coroscope/spawn.hpp>
#include <coroscope/this_task.hpp>
#include <coroscope/trace_context.hpp>

#include "check.hpp"

namespace asio = boost::asio;
using install_test::check;

namespace {

constexpr const char* kTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

struct seen {
  std::uint64_t handler_id = 0;
  std::optional<coroscope::trace_context> after_await;
};

asio::awaitable<void> handler(seen& out) {
  out.handler_id = coroscope::this_task::id();
  coroscope::this_task::set_trace_context(coroscope::trace_context::from_traceparent(kTraceparent));
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  out.after_await = coroscope::this_task::current_trace_context();
}

asio::awaitable<void> server(coroscope::probe& probe, seen& out) {
  co_await coroscope::co_spawn(probe, "handler", handler(out), asio::use_awaitable);
}

}  // namespace

int main() {
  asio::io_context io;
  coroscope::probe probe{io, {.service_name = "install-coro"}};
  seen out;
  std::exception_ptr failure;
  asio::co_spawn(probe.executor("server"), server(probe, out), [&](std::exception_ptr e) { failure = e; });
  probe.run(1);
  check(!failure, "the tasks completed without an exception");

  check(out.handler_id != 0, "this_task::id is set inside the task");
  check(out.after_await && out.after_await->to_traceparent() == kTraceparent,
        "the trace context survives the await");
  const coroscope::snapshot s = probe.snapshot();
  const coroscope::task_info* server_task = nullptr;
  const coroscope::task_info* handler_task = nullptr;
  for (const auto& t : s.tasks) {
    if (t.name == "server") server_task = &t;
    if (t.name == "handler") handler_task = &t;
  }
  check(server_task && handler_task, "tasks 'server' and 'handler' are in the snapshot");
  if (server_task && handler_task) {
    check(handler_task->parent_id == server_task->id, "handler is server's child");
    check(handler_task->id == out.handler_id, "its id is the one this_task::id gave");
    check(handler_task->trace_id == "4bf92f3577b34da6a3ce929d0e0e4736", "its trace id is the traceparent's");
  }
  return install_test::finish("coro_program");
}
