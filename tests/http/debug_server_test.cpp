// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/debug_server.hpp>
#include <coroscope/metrics.hpp>
#include <coroscope/pprof.hpp>

#include "http_test_client.hpp"
#include "test_data.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <stdexcept>

namespace {

using coroscope::debug_server;
using coroscope::debug_server_options;
using coroscope::debug_sources;
using coroscope::test::http_get;
using coroscope::test::loopback;
using coroscope::test::http_request;
namespace http = boost::beast::http;

/// Sources that answer at once and remember the seconds asked for.
struct fake_sources {
  std::atomic<long long> last_seconds{-1};
  debug_sources sources() {
    debug_sources s;
    s.cpu_profile = [this](std::chrono::seconds secs, std::stop_token) {
      last_seconds = secs.count();
      return coroscope::test::small_profile();
    };
    s.tasks_json = [] { return coroscope::tasks_json(coroscope::test::small_snapshot()); };
    s.metrics_text = [] { return coroscope::prometheus_text(coroscope::test::small_snapshot(), {}); };
    s.tasks_json_with_stacks = [] {
      return coroscope::tasks_json(coroscope::test::small_snapshot(), small_dump());
    };
    s.task_dump_text = [] { return coroscope::to_string(small_dump()); };
    return s;
  }
  /// Task 1 (accept-loop) waits in accept_one <- accept_loop.
  static coroscope::task_dump small_dump() {
    coroscope::task_dump d;
    coroscope::dumped_task t;
    t.id = 1;
    t.name = "accept-loop";
    t.async_stack = {{"accept_one", "/src/server.cpp", 12}, {"accept_loop", "/src/server.cpp", 30}};
    d.tasks.push_back(t);
    return d;
  }
};

/// A CPU callback that blocks until released, and says when it has started.
struct gate {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool open = false;
  coroscope::cpu_profile wait() {
    std::unique_lock lock(mu);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return open; });
    return coroscope::test::small_profile();
  }
  bool wait_entered() {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] { return entered; });
  }
  void release() {
    std::lock_guard lock(mu);
    open = true;
    cv.notify_all();
  }
};

TEST(debug_server, profile_returns_a_pprof_that_decodes) {
  fake_sources fake;
  debug_server server(loopback(), fake.sources());
  ASSERT_NE(server.port(), 0);
  auto res = http_get(server.port(), "/debug/pprof/profile?seconds=2");
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  EXPECT_EQ(res[http::field::content_type], "application/octet-stream");
  EXPECT_NE(res[http::field::content_disposition].find("attachment"), std::string::npos);
  EXPECT_EQ(fake.last_seconds.load(), 2);
  auto profile = coroscope::decode_pprof(res.body());
  ASSERT_EQ(profile.samples.size(), 2u);
  std::int64_t total = 0;
  bool saw_parse = false;
  for (const auto& s : profile.samples) {
    total += s.count;
    saw_parse |= profile.frames.at(s.stack.front()).function == "parse_request";
  }
  EXPECT_EQ(total, 5);
  EXPECT_TRUE(saw_parse);
}

TEST(debug_server, seconds_default_to_30_capped_at_the_maximum) {
  fake_sources fake;
  {
    debug_server server(loopback(), fake.sources());
    ASSERT_EQ(http_get(server.port(), "/debug/pprof/profile").result(), http::status::ok);
    EXPECT_EQ(fake.last_seconds.load(), 30);
  }
  auto options = loopback();
  options.max_profile_seconds = std::chrono::seconds(10);
  debug_server server(options, fake.sources());
  ASSERT_EQ(http_get(server.port(), "/debug/pprof/profile").result(), http::status::ok);
  EXPECT_EQ(fake.last_seconds.load(), 10);
}

TEST(debug_server, flamegraph_is_svg) {
  fake_sources fake;
  debug_server server(loopback(), fake.sources());
  auto res = http_get(server.port(), "/debug/pprof/flamegraph?seconds=1");
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  EXPECT_EQ(res[http::field::content_type], "image/svg+xml");
  EXPECT_NE(res.body().find("<svg"), std::string::npos);
  EXPECT_NE(res.body().find("parse_request"), std::string::npos);
  EXPECT_EQ(fake.last_seconds.load(), 1);
}

TEST(debug_server, tasks_json_with_stacks_gives_every_task_its_async_stack) {
  fake_sources fake;
  debug_server server(loopback(), fake.sources());
  auto plain = nlohmann::json::parse(http_get(server.port(), "/debug/coroscope/tasks").body());
  EXPECT_FALSE(plain["tasks"][0].contains("async_stack"));
  auto res = http_get(server.port(), "/debug/coroscope/tasks?stacks=1");
  ASSERT_EQ(res.result(), http::status::ok);
  auto j = nlohmann::json::parse(res.body());
  ASSERT_EQ(j["tasks"].size(), 3u);
  const auto& stack = j["tasks"][0]["async_stack"];
  ASSERT_EQ(stack.size(), 2u);
  EXPECT_EQ(stack[0]["function"], "accept_one");
  EXPECT_EQ(stack[0]["file"], "/src/server.cpp");
  EXPECT_EQ(stack[0]["line"], 12);
  EXPECT_EQ(stack[1]["function"], "accept_loop");
  EXPECT_EQ(j["tasks"][0]["async_stack_cut"], false);
  // Tasks the dump has no stack for get an empty one.
  EXPECT_TRUE(j["tasks"][1]["async_stack"].is_array());
  EXPECT_TRUE(j["tasks"][1]["async_stack"].empty());
}

TEST(debug_server, tasks_json_with_stacks_says_when_a_stack_was_cut) {
  coroscope::task_dump dump = fake_sources::small_dump();
  dump.tasks.front().async_stack_cut = true;
  const auto j = nlohmann::json::parse(coroscope::tasks_json(coroscope::test::small_snapshot(), dump));
  EXPECT_EQ(j["tasks"][0]["async_stack_cut"], true);
  EXPECT_EQ(j["tasks"][0]["async_stack"].size(), 2u);
  EXPECT_EQ(j["tasks"][1]["async_stack_cut"], false);
}

TEST(debug_server, tasks_json_with_stacks_says_which_timed_await_a_task_waits_in) {
  coroscope::task_dump dump = fake_sources::small_dump();
  dump.tasks.front().awaiting =
      coroscope::awaited_site{"db.query", "/src/server.cpp", 40, std::chrono::milliseconds(1500)};
  const auto j = nlohmann::json::parse(coroscope::tasks_json(coroscope::test::small_snapshot(), dump));
  const auto& a = j["tasks"][0]["awaiting"];
  EXPECT_EQ(a["site"], "db.query");
  EXPECT_EQ(a["file"], "/src/server.cpp");
  EXPECT_EQ(a["line"], 40);
  EXPECT_EQ(a["waited_ns"], 1'500'000'000);
  EXPECT_FALSE(j["tasks"][1].contains("awaiting"));  // not inside one
}

TEST(debug_server, dump_is_the_text_task_dump) {
  fake_sources fake;
  debug_server server(loopback(), fake.sources());
  auto res = http_get(server.port(), "/debug/coroscope/dump");
  ASSERT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "text/plain; charset=utf-8");
  EXPECT_EQ(res.body(), coroscope::to_string(fake_sources::small_dump()));
  EXPECT_NE(res.body().find("accept_one\n        /src/server.cpp:12"), std::string::npos) << res.body();
  debug_sources without;
  debug_server bare(loopback(), std::move(without));
  EXPECT_EQ(http_get(bare.port(), "/debug/coroscope/dump").result(), http::status::not_found);
}

TEST(debug_server, tasks_json_lists_the_tasks) {
  fake_sources fake;
  debug_server server(loopback(), fake.sources());
  auto res = http_get(server.port(), "/debug/coroscope/tasks");
  ASSERT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "application/json");
  auto j = nlohmann::json::parse(res.body());
  ASSERT_TRUE(j["tasks"].is_array());
  ASSERT_EQ(j["tasks"].size(), 3u);
  EXPECT_EQ(j["tasks"][0]["name"], "accept-loop");
  EXPECT_EQ(j["tasks"][1]["name"], "conn \"7\"\nnext");
  EXPECT_EQ(j["tasks"][1]["parent_id"], 1);
  EXPECT_EQ(j["tasks"][1]["state"], "running");
  EXPECT_EQ(j["tasks"][1]["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(j["workers"].size(), 2u);
  EXPECT_EQ(j["await_sites"][0]["line"], 17);
}

TEST(debug_server, metrics_are_prometheus_text) {
  fake_sources fake;
  debug_server server(loopback(), fake.sources());
  auto res = http_get(server.port(), "/metrics");
  ASSERT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type].substr(0, 25), "text/plain; version=0.0.4");
  EXPECT_NE(res.body().find("coroscope_worker_polls_total{worker=\"0\"} 1000\n"), std::string::npos);
}

TEST(debug_server, index_lists_the_endpoints) {
  debug_server server(loopback(), {});
  auto res = http_get(server.port(), "/debug/pprof/");
  ASSERT_EQ(res.result(), http::status::ok);
  for (const char* path : {"/debug/pprof/profile", "/debug/pprof/flamegraph", "/debug/pprof/heap",
                           "/debug/coroscope/tasks", "/metrics"})
    EXPECT_NE(res.body().find(path), std::string::npos) << path;
}

TEST(debug_server, concurrent_profile_gets_409_and_metrics_still_answer) {
  gate g;
  fake_sources fake;
  debug_sources sources = fake.sources();
  sources.cpu_profile = [&](std::chrono::seconds, std::stop_token) { return g.wait(); };
  debug_server server(loopback(), sources);
  auto first = std::async(std::launch::async,
                          [&] { return http_get(server.port(), "/debug/pprof/profile?seconds=5"); });
  ASSERT_TRUE(g.wait_entered());

  auto second = http_get(server.port(), "/debug/pprof/flamegraph?seconds=1");
  EXPECT_EQ(second.result(), http::status::conflict);
  EXPECT_NE(second.body().find("already"), std::string::npos) << second.body();
  // The blocked profile holds one callback thread; /metrics and the task list still answer.
  EXPECT_EQ(http_get(server.port(), "/metrics").result(), http::status::ok);
  EXPECT_EQ(http_get(server.port(), "/debug/coroscope/tasks").result(), http::status::ok);

  g.release();
  auto res = first.get();
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_NO_THROW(coroscope::decode_pprof(res.body()));
  // The slot is free again.
  EXPECT_EQ(http_get(server.port(), "/debug/pprof/profile?seconds=1").result(), http::status::ok);
}

TEST(debug_server, bad_seconds_get_400_with_the_reason) {
  fake_sources fake;
  debug_server server(loopback(), fake.sources());
  struct bad_case {
    const char* query;
    const char* reason;
  };
  for (auto [query, reason] : {bad_case{"seconds=0", "at least 1"}, bad_case{"seconds=abc", "whole number"},
                               bad_case{"seconds=61", "at most 60"}, bad_case{"seconds=", "whole number"},
                               bad_case{"seconds=-3", "at least 1"}, bad_case{"seconds=5x", "whole number"},
                               bad_case{"seconds=99999999999999999999999", "at most 60"}}) {
    for (const char* path : {"/debug/pprof/profile?", "/debug/pprof/flamegraph?"}) {
      auto res = http_get(server.port(), std::string(path) + query);
      EXPECT_EQ(res.result(), http::status::bad_request) << path << query;
      EXPECT_NE(res.body().find(reason), std::string::npos) << query << ": " << res.body();
    }
  }
  EXPECT_EQ(fake.last_seconds.load(), -1) << "no profile may be taken for a bad request";
}

TEST(debug_server, token_is_required_when_set) {
  fake_sources fake;
  auto options = loopback();
  options.token = "s3cret-token";
  debug_server server(options, fake.sources());
  for (const char* path : {"/metrics", "/debug/pprof/profile?seconds=1", "/nope"}) {
    auto none = http_get(server.port(), path);
    EXPECT_EQ(none.result(), http::status::unauthorized) << path;
    EXPECT_NE(none[http::field::www_authenticate].find("Bearer"), std::string::npos);
    auto wrong = http_get(server.port(), path, {{"Authorization", "Bearer s3cret-tokeN"}});
    EXPECT_EQ(wrong.result(), http::status::unauthorized) << path;
    auto prefix = http_get(server.port(), path, {{"Authorization", "Bearer s3cret"}});
    EXPECT_EQ(prefix.result(), http::status::unauthorized) << path;
    auto basic = http_get(server.port(), path, {{"Authorization", "Basic s3cret-token"}});
    EXPECT_EQ(basic.result(), http::status::unauthorized) << path;
  }
  EXPECT_EQ(fake.last_seconds.load(), -1);
  auto ok = http_get(server.port(), "/metrics", {{"Authorization", "Bearer s3cret-token"}});
  EXPECT_EQ(ok.result(), http::status::ok);
}

TEST(debug_server, beyond_loopback_without_token_is_refused) {
  debug_server_options options;
  options.address = "0.0.0.0:0";
  try {
    debug_server server(options, {});
    FAIL() << "started on 0.0.0.0 without a token";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("COROSCOPE_HTTP_TOKEN"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  options.token = "t";
  debug_server server(options, {});
  EXPECT_NE(server.port(), 0);
}

TEST(debug_server, bad_addresses_are_refused_with_one_line) {
  for (const char* address : {"127.0.0.1:http", "127.0.0.1:70000", "::1:80", "[::1", "host:"}) {
    debug_server_options options;
    options.address = address;
    try {
      debug_server server(options, {});
      ADD_FAILURE() << "accepted " << address;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("COROSCOPE_HTTP"), std::string::npos) << e.what();
    }
  }
}

TEST(debug_server, bare_port_means_loopback) {
  debug_server_options options;
  options.address = ":0";
  debug_server server(options, {});
  EXPECT_EQ(server.local_address().rfind("127.0.0.1:", 0), 0u) << server.local_address();
}

TEST(debug_server, unknown_path_404_non_get_405_missing_heap_404) {
  fake_sources fake;
  debug_server server(loopback(), fake.sources());
  auto unknown = http_get(server.port(), "/debug/pprof/goroutine");
  EXPECT_EQ(unknown.result(), http::status::not_found);
  EXPECT_NE(unknown.body().find("no such endpoint"), std::string::npos);
  auto post = http_request(server.port(), http::verb::post, "/metrics", {}, "x");
  EXPECT_EQ(post.result(), http::status::method_not_allowed);
  EXPECT_EQ(post[http::field::allow], "GET");
  auto heap = http_get(server.port(), "/debug/pprof/heap");
  EXPECT_EQ(heap.result(), http::status::not_found);
  EXPECT_NE(heap.body().find("heap profiling is not enabled"), std::string::npos);
}

TEST(debug_server, heap_profile_is_served_when_present) {
  debug_sources sources;
  sources.heap_profile = [] { return coroscope::encode_pprof(coroscope::test::small_profile()); };
  debug_server server(loopback(), sources);
  auto res = http_get(server.port(), "/debug/pprof/heap");
  ASSERT_EQ(res.result(), http::status::ok);
  EXPECT_NO_THROW(coroscope::decode_pprof(res.body()));
}

TEST(debug_server, oversized_requests_are_refused) {
  debug_server server(loopback(), {});
  auto big_header = http_get(server.port(), "/metrics", {{"X-Filler", std::string(16 * 1024, 'a')}});
  EXPECT_EQ(big_header.result(), http::status::request_header_fields_too_large);
  auto big_body = http_request(server.port(), http::verb::get, "/metrics", {}, std::string(4096, 'b'));
  EXPECT_EQ(big_body.result(), http::status::payload_too_large);
}

TEST(debug_server, a_throwing_callback_gives_500_and_frees_the_profile_slot) {
  debug_sources sources;
  std::atomic<int> calls{0};
  sources.cpu_profile = [&](std::chrono::seconds, std::stop_token) -> coroscope::cpu_profile {
    if (calls++ == 0) throw std::runtime_error("sampler is off");
    return coroscope::test::small_profile();
  };
  debug_server server(loopback(), sources);
  auto res = http_get(server.port(), "/debug/pprof/profile?seconds=1");
  EXPECT_EQ(res.result(), http::status::internal_server_error);
  EXPECT_NE(res.body().find("sampler is off"), std::string::npos);
  EXPECT_EQ(http_get(server.port(), "/debug/pprof/profile?seconds=1").result(), http::status::ok);
}

TEST(debug_server, missing_sources_are_404) {
  debug_server server(loopback(), {});
  for (const char* path : {"/debug/pprof/profile?seconds=1", "/metrics", "/debug/coroscope/tasks"})
    EXPECT_EQ(http_get(server.port(), path).result(), http::status::not_found) << path;
}

TEST(debug_server, keep_alive_serves_several_requests_on_one_connection) {
  fake_sources fake;
  debug_server server(loopback(), fake.sources());
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket{io};
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  boost::beast::flat_buffer buffer;
  for (int i = 0; i < 3; ++i) {
    http::request<http::empty_body> req{http::verb::get, "/metrics", 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(socket, req);
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_TRUE(res.keep_alive());
  }
}

std::string run(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  if (int status = ::pclose(pipe); status != 0) output += "\n[exit status " + std::to_string(status) + "]";
  return output;
}

TEST(debug_server, go_tool_pprof_reads_the_profile_endpoint) {
  if (std::system("command -v go >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "`go` is not on PATH (Debian package golang-go)";
  fake_sources fake;
  debug_server server(loopback(), fake.sources());
  auto res = http_get(server.port(), "/debug/pprof/profile?seconds=1");
  ASSERT_EQ(res.result(), http::status::ok);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("coroscope-http-go-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "profile.pb.gz").string();
  std::ofstream(path, std::ios::binary) << res.body();
  const std::string env = "cd '" + dir.string() + "' && HOME='" + dir.string() + "' GOCACHE='" +
                          (dir / "gocache").string() + "' GOFLAGS=-mod=mod GOPROXY=off ";
  const std::string raw = run(env + "go tool pprof -raw '" + path + "' 2>&1");
  std::filesystem::remove_all(dir);
  EXPECT_EQ(raw.find("[exit status"), std::string::npos) << raw;
  EXPECT_NE(raw.find("parse_request"), std::string::npos) << raw;
}

}  // namespace
