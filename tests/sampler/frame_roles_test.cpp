// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The roles of real frames (names from a profile of examples/cpu_hotspots, GCC 12 and
// Boost 1.81): what the profile builder cuts at and what it hides.
#include "frame_roles.hpp"

#include <gtest/gtest.h>

namespace {

using coroscope::detail::frame_role;
using coroscope::detail::role_of_function;

TEST(FrameRoles, TheRunLoopAndThreadStartAreBoundaries) {
  for (const char* name : {
           "boost::asio::detail::awaitable_thread<boost::asio::any_io_executor>::pump()",
           "coroscope::detail::probe_core::worker_main(unsigned int)",
           "boost::asio::detail::executor_op<boost::asio::detail::executor_function, "
           "std::allocator<void>, boost::asio::detail::scheduler_operation>::do_complete(void*, "
           "boost::asio::detail::scheduler_operation*, boost::system::error_code const&, unsigned long)",
           "boost::asio::detail::descriptor_read_op<boost::asio::mutable_buffers_1, "
           "boost::asio::detail::awaitable_handler<boost::asio::any_io_executor, boost::system::error_code, unsigned "
           "long>, boost::asio::any_io_executor>::do_complete(void*, boost::asio::detail::scheduler_operation*, "
           "boost::system::error_code const&, unsigned long)",
           "boost::asio::detail::epoll_reactor::descriptor_state::do_complete(void*, "
           "boost::asio::detail::scheduler_operation*, boost::system::error_code const&, unsigned long)",
           "boost::asio::detail::scheduler_operation::complete(void*, boost::system::error_code const&, unsigned long)",
           "boost::asio::detail::scheduler::do_run_one(boost::asio::detail::conditionally_enabled_mutex::scoped_lock&, "
           "boost::asio::detail::scheduler_thread_info&, boost::system::error_code const&)",
           "boost::asio::detail::scheduler::run(boost::system::error_code&)",
           "boost::asio::io_context::run()",
           "unsigned long boost::asio::io_context::run_for<long, std::ratio<1l, 1000l> >(std::chrono::duration<long, "
           "std::ratio<1l, 1000l> > const&)",
           "boost::asio::io_context::poll_one()",
           "boost::asio::detail::work_dispatcher<boost::asio::detail::awaitable_handler<boost::asio::any_io_executor>, "
           "boost::asio::any_io_executor, void>::operator()()",
           "std::thread::_State_impl<std::thread::_Invoker<std::tuple<coroscope::detail::probe_core::run(unsigned "
           "int)::{lambda()#1}> > >::_M_run()",
           "start_thread",
           "clone3",
       })
    EXPECT_EQ(role_of_function(name), frame_role::poll_boundary) << name;
}

TEST(FrameRoles, CoroscopesOwnFramesAreTheProbes) {
  for (const char* name : {
           "void coroscope::basic_task_executor<boost::asio::io_context::basic_executor_type<std::allocator<void>, "
           "0ul>, true>::execute<boost::asio::detail::executor_function>(boost::asio::detail::executor_function&&) "
           "const",
           "coroscope::detail::await_timer::~await_timer()",
           "boost::asio::awaitable<void, boost::asio::any_io_executor> coroscope::detail::record_failure<void, "
           "boost::asio::any_io_executor>(boost::asio::awaitable<void, boost::asio::any_io_executor>)",
           "coroscope::detail::emit_event(coroscope::detail::event const&)",
           "coroscope::this_task::set_trace_context(coroscope::trace_context const&)",
       })
    EXPECT_EQ(role_of_function(name), frame_role::probe_internal) << name;
}

TEST(FrameRoles, ResumingACoroutineIsItsOwnRole) {
  EXPECT_EQ(role_of_function("std::__n4861::coroutine_handle<void>::resume() const"), frame_role::coroutine_resume);
  EXPECT_EQ(role_of_function("std::coroutine_handle<my::promise>::resume() const"), frame_role::coroutine_resume);
  // Asio's frame resume also runs the initiation of what a coroutine awaits: not inside it.
  EXPECT_EQ(role_of_function("boost::asio::detail::awaitable_frame_base<boost::asio::any_io_executor>::resume()"),
            frame_role::user);
  EXPECT_EQ(role_of_function("my::coroutine_handle<int>::resume()"), frame_role::user);
}

TEST(FrameRoles, EverythingElseIsTheUsers) {
  for (const char* name : {
           "",
           "memcpy",
           "(anonymous namespace)::checksum_invoice(unsigned long)",
           "boost::asio::awaitable<void, boost::asio::any_io_executor> (anonymous namespace)::handle_request<"
           "boost::asio::awaitable<void, boost::asio::any_io_executor> (*)(unsigned long)>(unsigned long, "
           "boost::asio::awaitable<void, boost::asio::any_io_executor> (*)(unsigned long))",
           // Asio's initiations run the task's code: kept.
           "boost::asio::detail::executor_function::operator()()",
           "void boost::asio::detail::initiate_post_with_executor<boost::asio::any_io_executor>::operator()<"
           "boost::asio::detail::awaitable_handler<boost::asio::any_io_executor> >(boost::asio::detail::"
           "awaitable_handler<boost::asio::any_io_executor>&&, void*, void*) const",
           // Names that merely mention the run loop or the probe.
           "my::scheduler::run()",
           "my::do_complete()",
           "void user::post<boost::asio::detail::awaitable_thread<int> >(int)",
           "operator()",
       })
    EXPECT_EQ(role_of_function(name), frame_role::user) << name;
}

TEST(FrameRoles, TheCacheAnswersAsTheFunctionDoes) {
  coroscope::detail::frame_role_cache cache;
  const std::string run = "boost::asio::io_context::run()";
  EXPECT_EQ(cache.role(run), frame_role::poll_boundary);
  EXPECT_EQ(cache.role(run), frame_role::poll_boundary);
  EXPECT_EQ(cache.role("memcpy"), frame_role::user);
}

}  // namespace
