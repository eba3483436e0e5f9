// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "url.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace coroscope::detail {

/// A response as far as the exporter cares.
struct http_response {
  unsigned status = 0;
  std::string reason;
  std::string body;  // already gunzipped when the server gzipped it
  std::string retry_after;
};

/// Either a response or why there is none (resolve/connect/IO error or timeout).
struct http_result {
  std::optional<http_response> response;
  std::string error;
  bool timed_out = false;
};

/// One-request-at-a-time HTTP/1.1 client (Boost.Beast) with a whole-request deadline.
///
/// Threading: `post` runs the client's private io_context on the calling thread (the
/// exporter's) and returns when the request is done; `cut_at` may be called from any
/// thread and moves the deadline of the request in flight, and of later ones, earlier.
class http_client {
 public:
  using clock = std::chrono::steady_clock;

  http_client();
  ~http_client();

  http_result post(const http_endpoint& endpoint,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   std::string body, bool gzipped, clock::time_point deadline);

  void cut_at(clock::time_point deadline);

  /// What one request holds while it runs (defined in the .cpp).
  struct request_state;

 private:
  void arm_timer();

  boost::asio::io_context io_;
  boost::asio::steady_timer timer_;
  request_state* current_ = nullptr;  // only touched on the thread inside post()
  std::atomic<clock::rep> cut_{clock::time_point::max().time_since_epoch().count()};
};

}  // namespace coroscope::detail
