// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "services.hpp"

namespace coroscope::agent {

std::vector<std::unique_ptr<service>> make_services(core::recording& recording) {
  std::vector<std::unique_ptr<service>> all;
  // The order of the probe before the agent existed: sample sinks first, servers last.
  all.push_back(make_profile_file_service(recording));
  all.push_back(make_heap_service(recording));
  all.push_back(make_otlp_service(recording));
  all.push_back(make_http_service(recording));
  all.push_back(make_pyroscope_service(recording));
  all.push_back(make_console_service(recording));
  all.push_back(make_trace_dir_service(recording));
  return all;
}

}  // namespace coroscope::agent
