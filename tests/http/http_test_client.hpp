// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/debug_server.hpp>

#include <boost/beast/http.hpp>

#include <string>
#include <utility>
#include <vector>

namespace coroscope::test {

using http_response = boost::beast::http::response<boost::beast::http::string_body>;

/// One blocking HTTP/1.1 request to 127.0.0.1:port with Boost.Beast (the test's own
/// client, independent of the code under test). Throws on connection errors.
http_response http_request(unsigned short port, boost::beast::http::verb method, const std::string& target,
                           const std::vector<std::pair<std::string, std::string>>& headers = {},
                           const std::string& body = {});

inline http_response http_get(unsigned short port, const std::string& target,
                              const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  return http_request(port, boost::beast::http::verb::get, target, headers);
}

/// Debug server options for 127.0.0.1 on a free port, the rest default.
inline debug_server_options loopback() {
  debug_server_options o;
  o.address = "127.0.0.1:0";
  return o;
}

}  // namespace coroscope::test
