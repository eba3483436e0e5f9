// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace coroscope::test {

/// A request the fake received.
struct received_request {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;  ///< percent-decoded
  std::string content_type;
  std::string body;
};

/// A stand-in for Pyroscope's /ingest: a Boost.Beast server on 127.0.0.1 with a thread
/// of its own that records every request and answers with scripted statuses (then 200).
/// `hold()` makes it stop answering until `release()`, to fill the client's queue.
class fake_pyroscope {
 public:
  fake_pyroscope();
  ~fake_pyroscope();

  unsigned short port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  /// Statuses for the next requests, in order; afterwards 200.
  void script(std::vector<unsigned> statuses);
  void hold();
  void release();

  /// Waits until at least `n` requests arrived (false on timeout).
  bool wait_for_requests(std::size_t n, std::chrono::seconds timeout = std::chrono::seconds(20));
  std::vector<received_request> requests() const;

 private:
  void accept_one();

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  unsigned short port_ = 0;
  std::thread thread_;
  std::vector<std::thread> handlers_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<unsigned> script_;
  std::vector<received_request> requests_;
  bool held_ = false;
  bool stopping_ = false;
};

}  // namespace coroscope::test
