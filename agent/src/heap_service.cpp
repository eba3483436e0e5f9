// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Heap sampling for `COROSCOPE_HEAP_PROFILE`, when the program links coroscope::heap:
// started with the probe (allocations attributed to tasks), stopped and written with it.
#include "heap_service.hpp"

#include <memory>

#include "coroscope/core/heap_link.hpp"
#include "coroscope/heap_pprof.hpp"
#include "coroscope/heap_profile_file.hpp"
#include "services.hpp"

namespace coroscope::agent {
namespace {

class heap_service final : public service {
 public:
  std::string_view name() const noexcept override { return "heap profile"; }
  // The profile is written after the recording's last task ends.
  bool outlives_recording() const noexcept override { return true; }
  bool start() override { return detail::start_heap_sampling(); }
  void stop() override {
    detail::stop_heap_sampling();
    heap::write_profile_from_environment();
  }
};

}  // namespace

std::optional<std::string> heap_profile_pprof() {
  auto profile = detail::heap_profile_now();
  if (!profile) return std::nullopt;
  return encode_heap_pprof(*profile);
}

std::unique_ptr<service> make_heap_service(core::recording&) {
  return std::make_unique<heap_service>();
}

}  // namespace coroscope::agent
