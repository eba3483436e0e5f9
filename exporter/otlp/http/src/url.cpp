// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "url.hpp"

// Boost 1.81 ships Boost.URL without a compiled library here: build it into this TU.
#include <boost/url/src.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <coroscope/base/env_error_line.hpp>

#include <stdexcept>

namespace coroscope::detail {

http_endpoint parse_http_endpoint(std::string_view url) {
  auto bad = [&](const std::string& why) {
    throw std::invalid_argument("OTLP endpoint " + env::quoted(url) + ": " + why);
  };
  if (url.empty()) bad("empty");
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) bad("not a URL (" + parsed.error().message() + ")");
  const boost::urls::url_view& u = *parsed;
  if (u.scheme_id() == boost::urls::scheme::https)
    bad("https is not supported; use http:// (e.g. a local collector or a TLS sidecar)");
  if (u.scheme_id() != boost::urls::scheme::http) bad("only http:// is supported");
  if (u.encoded_host().empty()) bad("no host");
  if (u.has_userinfo()) bad("user info in the URL is not supported; use OTEL_EXPORTER_OTLP_HEADERS");

  http_endpoint e;
  // An IPv6 literal is [..] in the URL but bare for the resolver.
  e.host = u.host_type() == boost::urls::host_type::ipv6 ? u.host_ipv6_address().to_string()
                                                         : std::string(u.host());
  e.port = u.has_port() && !u.port().empty() ? std::string(u.port()) : "80";
  e.host_header = std::string(u.encoded_host_and_port());
  e.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) e.target += "?" + std::string(u.encoded_query());
  return e;
}

}  // namespace coroscope::detail
