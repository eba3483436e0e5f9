// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::http alone: a debug_server on a free loopback port serves a probe's metrics
// and task JSON; a Boost.Beast client reads them.
#include <exception>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <coroscope/debug_server.hpp>
#include <coroscope/metrics.hpp>
#include <coroscope/probe.hpp>

#include "check.hpp"

namespace asio = boost::asio;
namespace http = boost::beast::http;
using install_test::check;

namespace {

asio::awaitable<void> visible_task() { co_return; }

http::response<http::string_body> get(unsigned short port, const std::string& target) {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1");
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return response;
}

}  // namespace

int main() {
  asio::io_context io;
  coroscope::probe probe{io, {.service_name = "install-http"}};
  asio::co_spawn(probe.executor("visible-task"), visible_task(), asio::detached);
  probe.run(1);

  coroscope::debug_sources sources;
  sources.metrics_text = [&] { return coroscope::prometheus_text(probe.snapshot(), coroscope::read_process_stats()); };
  sources.tasks_json = [&] { return coroscope::tasks_json(probe.snapshot()); };
  try {
    coroscope::debug_server_options options;
    options.address = "127.0.0.1:0";
    coroscope::debug_server server(options, sources);
    check(server.port() != 0, "the server listens on port " + std::to_string(server.port()));

    const auto metrics = get(server.port(), "/metrics");
    check(metrics.result() == http::status::ok, "/metrics answers 200");
    check(metrics.body().find("coroscope_info{service=\"install-http\"} 1") != std::string::npos,
          "/metrics names the service");
    check(metrics.body().find("coroscope_tasks_completed_total 1") != std::string::npos,
          "/metrics counts the completed task");
    check(metrics.body().find("process_resident_memory_bytes") != std::string::npos,
          "/metrics has the process's memory");

    const auto tasks = get(server.port(), "/debug/coroscope/tasks");
    check(tasks.result() == http::status::ok, "/debug/coroscope/tasks answers 200");
    check(tasks.body().find("\"visible-task\"") != std::string::npos, "the task JSON names visible-task");

    const auto heap = get(server.port(), "/debug/pprof/heap");
    check(heap.result() == http::status::not_found, "/debug/pprof/heap without a source is 404");
  } catch (const std::exception& e) {
    check(false, std::string("the server and client work: ") + e.what());
  }
  return install_test::finish("http_program");
}
