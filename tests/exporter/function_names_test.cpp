// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// short_function_name on names the symbolizer really gives: taken from a profile of
// examples/cpu_hotspots (GCC 12, Boost 1.81) and from libstdc++.
#include <coroscope/function_names.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using coroscope::short_function_name;

TEST(ShortFunctionName, DropsReturnTypeParametersAndAnonymousNamespace) {
  // The 250-character name of issue 14.
  EXPECT_EQ(short_function_name(
                "boost::asio::awaitable<void, boost::asio::any_io_executor> (anonymous "
                "namespace)::handle_request<boost::asio::awaitable<void, boost::asio::any_io_executor> "
                "(*)(unsigned long)>(unsigned long, boost::asio::awaitable<void, "
                "boost::asio::any_io_executor> (*)(unsigned long))"),
            "handle_request<...>");
  EXPECT_EQ(short_function_name("(anonymous namespace)::spin(unsigned long, unsigned int)"), "spin");
  EXPECT_EQ(short_function_name("(anonymous namespace)::yield()"), "yield");
  EXPECT_EQ(short_function_name("symtest::(anonymous namespace)::burn(int, int)"), "symtest::burn");
  EXPECT_EQ(short_function_name("boost::asio::awaitable<void, boost::asio::any_io_executor> "
                                "coroscope::detail::record_failure<void, boost::asio::any_io_executor>("
                                "boost::asio::awaitable<void, boost::asio::any_io_executor>)"),
            "coroscope::detail::record_failure<...>");
  EXPECT_EQ(short_function_name("unsigned long ns::f(int)"), "ns::f");
  EXPECT_EQ(short_function_name("char const* ns::name()"), "ns::name");
}

TEST(ShortFunctionName, CollapsesTemplateArgumentsInEveryScope) {
  EXPECT_EQ(short_function_name("std::thread::_State_impl<std::thread::_Invoker<std::tuple<coroscope::detail::"
                                "probe_core::run(unsigned int)::{lambda()#1}> > >::_M_run()"),
            "std::thread::_State_impl<...>::_M_run");
  EXPECT_EQ(short_function_name("boost::asio::detail::work_dispatcher<boost::asio::detail::awaitable_handler<"
                                "boost::asio::any_io_executor>, boost::asio::any_io_executor, void>::operator()()"),
            "boost::asio::detail::work_dispatcher<...>::operator()");
  EXPECT_EQ(short_function_name("void boost::asio::detail::executor_function::complete<boost::asio::detail::"
                                "binder0<boost::asio::detail::awaitable_handler<boost::asio::any_io_executor> >, "
                                "std::allocator<void> >(boost::asio::detail::executor_function::impl_base*, bool)"),
            "boost::asio::detail::executor_function::complete<...>");
  EXPECT_EQ(short_function_name("std::vector<int, std::allocator<int> >::push_back(int const&)"),
            "std::vector<...>::push_back");
  EXPECT_EQ(short_function_name("ns::empty<>()"), "ns::empty<>");
  // DWARF's plain names of template instances.
  EXPECT_EQ(short_function_name("__invoke_impl<void, coroscope::detail::probe_core::run(unsigned int)::<lambda()> >"),
            "__invoke_impl<...>");
}

TEST(ShortFunctionName, LocalNamesKeepTheirPathWithParametersElided) {
  EXPECT_EQ(short_function_name(
                "auto boost::asio::async_result<boost::asio::use_awaitable_t<boost::asio::any_io_executor>, void ()>::"
                "initiate<boost::asio::detail::initiate_dispatch>(boost::asio::detail::initiate_dispatch, "
                "boost::asio::use_awaitable_t<boost::asio::any_io_executor>)::{lambda(auto:1*)#1}::operator()<"
                "boost::asio::detail::awaitable_frame_base<boost::asio::any_io_executor> >(boost::asio::detail::"
                "awaitable_frame_base<boost::asio::any_io_executor>*) const"),
            "boost::asio::async_result<...>::initiate<...>(...)::{lambda(...)#1}::operator()<...>");
  EXPECT_EQ(short_function_name("main::{lambda(long)#1}::operator()(long) const"),
            "main::{lambda(...)#1}::operator()");
  EXPECT_EQ(short_function_name("boost::asio::detail::awaitable_frame_base<boost::asio::any_io_executor>::"
                                "await_transform(boost::asio::this_coro::executor_t)::result::await_resume() const"),
            "boost::asio::detail::awaitable_frame_base<...>::await_transform(...)::result::await_resume");
  EXPECT_EQ(short_function_name("ns::f()::{unnamed type#1}::g() &&"), "ns::f()::{unnamed type#1}::g");
}

TEST(ShortFunctionName, OperatorsKeepTheirNames) {
  EXPECT_EQ(short_function_name("ns::S::operator()(int) const"), "ns::S::operator()");
  EXPECT_EQ(short_function_name("operator()"), "operator()");
  EXPECT_EQ(short_function_name("bool ns::operator< <int>(ns::X<int> const&, ns::X<int> const&)"),
            "ns::operator< <...>");
  EXPECT_EQ(short_function_name("std::ostream& ns::operator<<(std::ostream&, ns::X const&)"), "ns::operator<<");
  EXPECT_EQ(short_function_name("ns::S::operator->() const"), "ns::S::operator->");
  EXPECT_EQ(short_function_name("bool ns::S::operator<=>(ns::S const&) const"), "ns::S::operator<=>");
  EXPECT_EQ(short_function_name("operator new[](unsigned long)"), "operator new[]");
  EXPECT_EQ(short_function_name("operator delete(void*, unsigned long)"), "operator delete");
  EXPECT_EQ(short_function_name("ns::S::operator unsigned long() const"), "ns::S::operator unsigned long");
  EXPECT_EQ(short_function_name("ns::S::operator std::vector<int, std::allocator<int> >() const"),
            "ns::S::operator std::vector<int, std::allocator<int> >");
}

TEST(ShortFunctionName, ClonesAndAbiTagsGo) {
  EXPECT_EQ(short_function_name("ns::f(int) [clone .constprop.0] [clone .isra.0]"), "ns::f");
  EXPECT_EQ(short_function_name("ns::g[abi:cxx11](int)"), "ns::g");
  EXPECT_EQ(short_function_name("std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > "
                                "ns::h[abi:cxx11]() [clone .cold]"),
            "ns::h");
}

TEST(ShortFunctionName, OtherNamesStayAsTheyAre) {
  for (const char* name : {"main", "memcpy", "__libc_start_call_main", "main.(*Server).handle", "runtime.mcall",
                           "main.F[...]", "foo::bar::h0123456789abcdef", "libc.so.6+0x1f00", "[unknown]",
                           "<unknown>", "", "render invoice", "task#17"})
    EXPECT_EQ(short_function_name(name), name) << name;
}

TEST(ShortFunctionName, MalformedNamesComeBackUnchanged) {
  for (const char* name : {"ns::f(int", "ns::f<int(", "a<b<c", "f())", "operator", "{", "(anonymous namespace)",
                           "x (anonymous namespace)::(", "<>()"})
    EXPECT_NO_THROW((void)short_function_name(name)) << name;
  EXPECT_EQ(short_function_name("ns::f(int"), "ns::f(int");
  EXPECT_EQ(short_function_name("a<b<c"), "a<b<c");
  EXPECT_EQ(short_function_name("f())"), "f())");
}

TEST(ShortFunctionName, HostileNamesTakeLinearTime) {
  // Names come from profile files too. Each of these took quadratic time (or recursion
  // as deep as the name) in a first version; at this size that would be minutes.
  constexpr std::size_t n = 200'000;
  const std::vector<std::string> names = {
      "(" + std::string(n, '<') + std::string(n, ']'),
      std::string(n, '{') + std::string(n, '}') + "()",
      "f(" + std::string(n, '(') + ")",
      [] {
        std::string s;
        for (std::size_t i = 0; i < n / 8; ++i) s += " [clone ";
        return s;
      }(),
      [] {
        std::string s;
        for (std::size_t i = 0; i < n / 9; ++i) s += "operator ";
        return s + "()";
      }(),
  };
  for (const std::string& name : names) EXPECT_NO_THROW((void)short_function_name(name));
  EXPECT_EQ(short_function_name(std::string(n, '{') + std::string(n, '}') + "()").size(), 2 * n);
}

TEST(ShortFunctionName, IsIdempotent) {
  for (const char* name : {"std::vector<int, std::allocator<int> >::push_back(int const&)",
                           "main::{lambda(long)#1}::operator()(long) const", "bool ns::operator< <int>(int)",
                           "ns::S::operator unsigned long() const"}) {
    const std::string once = short_function_name(name);
    EXPECT_EQ(short_function_name(once), once) << name;
  }
}

TEST(ShortFunctionName, StyleChoosesTheForm) {
  const char* full = "void ns::f<int>(int)";
  EXPECT_EQ(coroscope::function_name_in(full, coroscope::name_style::full_names), full);
  EXPECT_EQ(coroscope::function_name_in(full, coroscope::name_style::short_names), "ns::f<...>");
}

TEST(CoroutineTaskName, TheBareFunctionAndNoneForAsiosCoroutineOfAnOperation) {
  EXPECT_EQ(coroscope::coroutine_task_name(
                "boost::asio::awaitable<void, boost::asio::any_io_executor> (anonymous "
                "namespace)::do_session(boost::asio::basic_stream_socket<boost::asio::ip::tcp, "
                "boost::asio::any_io_executor>)"),
            "do_session");
  EXPECT_EQ(coroscope::coroutine_task_name("awaitable<int> ns::pool<int>::worker<long>(int)"),
            "worker");
  EXPECT_EQ(coroscope::coroutine_task_name(""), "");
  const char* operation =
      "boost::asio::awaitable<void, boost::asio::any_io_executor> boost::asio::async_result<"
      "boost::asio::use_awaitable_t<boost::asio::any_io_executor>, void (boost::system::"
      "error_code)>::initiate<boost::asio::detail::initiate_post>(boost::asio::detail::"
      "initiate_post, boost::asio::use_awaitable_t<boost::asio::any_io_executor>)";
  EXPECT_EQ(coroscope::coroutine_task_name(operation), "");
  EXPECT_TRUE(coroscope::is_operation_coroutine(operation));
  EXPECT_FALSE(coroscope::is_operation_coroutine("awaitable<void> initiate(int)"));
}

TEST(FunctionFromProfile, OursGiveTheSystemNameOthersTheName) {
  // coroscope writes name = short form, system_name = full signature.
  EXPECT_EQ(coroscope::function_from_profile("ns::f", "void ns::f(int)"), "void ns::f(int)");
  // Go: both equal. perf_data_converter: a mangled system name. coroscope before the short
  // names: both the full signature. A name that is no short form of the system name.
  EXPECT_EQ(coroscope::function_from_profile("main.handler", "main.handler"), "main.handler");
  EXPECT_EQ(coroscope::function_from_profile("ns::f(int)", "_ZN2ns1fEi"), "ns::f(int)");
  EXPECT_EQ(coroscope::function_from_profile("void ns::f(int)", "void ns::f(int)"), "void ns::f(int)");
  EXPECT_EQ(coroscope::function_from_profile("ns::g", "void ns::f(int)"), "ns::g");
  EXPECT_EQ(coroscope::function_from_profile("f", ""), "f");
}

}  // namespace
