// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace coroscope::test {

/// One request as the fake collector saw it.
struct received_request {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                            // gunzipped when Content-Encoding: gzip
  std::chrono::steady_clock::time_point arrived;
};

/// What the fake collector does with a request.
struct scripted_response {
  unsigned status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  /// Read the request, then close the connection without a response.
  bool close_without_answer = false;
  /// Read the request and never answer (the connection stays open until the collector
  /// is destroyed).
  bool never_answer = false;
};

/// A loopback OTLP/HTTP receiver on a Boost.Beast server with a thread of its own.
/// `respond` is called on that thread for request number `index` (0-based).
class test_collector {
 public:
  using responder = std::function<scripted_response(const received_request&, std::size_t index)>;

  /// Listens on 127.0.0.1:`port` (0: any free port).
  explicit test_collector(responder respond = {}, unsigned short port = 0);
  ~test_collector();

  unsigned short port() const { return port_; }
  /// `http://127.0.0.1:<port>/v1development/profiles`.
  std::string endpoint() const;

  /// Waits until `n` requests have arrived; false when `timeout` passes first.
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout);
  std::vector<received_request> requests() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  unsigned short port_ = 0;
};

/// A loopback port nobody listens on (bound once, then released).
unsigned short unused_port();

/// Gunzips with zlib directly, independent of the code under test.
std::string gunzip(const std::string& data);

}  // namespace coroscope::test
