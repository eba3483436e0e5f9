// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/otlp.hpp>

#include <coroscope/base/key_value_list.hpp>

#include <coroscope/base/env_error_line.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <system_error>

#ifndef COROSCOPE_VERSION
#error "COROSCOPE_VERSION must be defined by the build (the CMake project version)"
#endif

namespace coroscope {
namespace {

// /proc/self/exe names the binary even when argv[0] was changed; fall back to the
// short name glibc keeps.
std::string executable_name() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec && !exe.filename().empty()) return exe.filename().string();
  return program_invocation_short_name != nullptr ? program_invocation_short_name : "unknown";
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

}  // namespace

const otlp_value* otlp_resource::find(std::string_view key) const {
  auto it = std::find_if(attributes.begin(), attributes.end(),
                         [&](const otlp_attribute& a) { return a.key == key; });
  return it == attributes.end() ? nullptr : &it->value;
}

void otlp_resource::set(std::string key, otlp_value value) {
  auto it = std::find_if(attributes.begin(), attributes.end(),
                         [&](const otlp_attribute& a) { return a.key == key; });
  if (it != attributes.end()) {
    it->value = std::move(value);
  } else {
    attributes.push_back({std::move(key), std::move(value)});
  }
}

otlp_resource make_otlp_resource(std::string_view service_name, std::ostream& err,
                                 const env::reader& env) {
  otlp_resource r;
  r.scope_name = "coroscope";
  r.scope_version = COROSCOPE_VERSION;
  const std::string exe = executable_name();
  r.set("process.pid", static_cast<std::int64_t>(::getpid()));
  r.set("process.executable.name", exe);
  if (std::string host = host_name(); !host.empty()) r.set("host.name", std::move(host));

  if (auto text = env.raw("OTEL_RESOURCE_ATTRIBUTES")) {
    auto parsed = base::parse_key_value_list(*text);
    for (const std::string& e : parsed.errors)
      err << env::error_line("OTEL_RESOURCE_ATTRIBUTES: " + e + "; entry skipped");
    for (auto& [key, value] : parsed.pairs) r.set(std::move(key), std::move(value));
  }

  // OTel's precedence: the explicit option, then OTEL_SERVICE_NAME, then
  // service.name from OTEL_RESOURCE_ATTRIBUTES, then unknown_service:<executable>.
  std::optional<std::string> from_env = env.raw("OTEL_SERVICE_NAME");
  if (!service_name.empty()) {
    r.set("service.name", std::string(service_name));
  } else if (from_env && !from_env->empty()) {
    r.set("service.name", std::move(*from_env));
  } else if (r.find("service.name") == nullptr) {
    r.set("service.name", "unknown_service:" + exe);
  }
  return r;
}

}  // namespace coroscope
