// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::sampler alone (no probe, no symbolizer): this thread is sampled while it
// burns CPU, and the profile builder names the frames through a resolver of our own
// (dladdr over the executable's exported symbols).
#include <dlfcn.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <coroscope/sampler.hpp>

#include "check.hpp"

using namespace std::chrono_literals;
using install_test::check;

extern "C" [[gnu::noinline]] void install_sampled_function() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  const auto end = std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec) + 50ms;
  volatile std::uint64_t x = 1;
  for (;;) {
    for (int i = 0; i < 100000; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    if (std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec) >= end) return;
  }
}

namespace {

/// Names a pc by the exported symbol holding it (the executable is linked with its
/// symbols exported); empty when there is none.
class dladdr_resolver final : public coroscope::frame_resolver {
 public:
  const std::vector<coroscope::frame>& symbolize(std::uintptr_t pc, bool return_address) override {
    Dl_info info{};
    frames_.assign(1, {});
    if (::dladdr(reinterpret_cast<void*>(return_address ? pc - 1 : pc), &info) != 0 && info.dli_sname)
      frames_[0].function = info.dli_sname;
    return frames_;
  }

 private:
  std::vector<coroscope::frame> frames_;
};

}  // namespace

int main() {
  namespace sampling = coroscope::sampling;
  sampling::configure({.frequency_hz = 500, .max_overhead = 0.5});
  check(sampling::register_current_thread(), "this thread registers");
  check(sampling::start(), "the sampler starts");
  // Rounds until enough samples came, bounded so a sampler that never samples fails below.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (sampling::stats().samples < 20 && std::chrono::steady_clock::now() < deadline) install_sampled_function();
  sampling::stop();
  check(!sampling::running(), "the sampler stops");

  std::vector<sampling::raw_sample> raw;
  sampling::drain(raw);
  check(raw.size() >= 20, "at least 20 samples were drained (" + std::to_string(raw.size()) + ")");
  bool own_thread = !raw.empty();
  for (const auto& s : raw) own_thread &= s.tid == ::gettid() && s.depth > 0;
  check(own_thread, "every sample is of this thread, with a stack");

  dladdr_resolver resolver;
  const coroscope::cpu_profile profile = coroscope::build_cpu_profile(raw, resolver, 2'000'000);
  std::int64_t in_function = 0, total = 0;
  for (const auto& s : profile.samples) {
    total += s.count;
    if (!s.stack.empty() && profile.frames[s.stack.front()].function == "install_sampled_function")
      in_function += s.count;
  }
  check(total == static_cast<std::int64_t>(raw.size()), "the profile holds every sample");
  check(in_function * 2 > total, "most samples are in install_sampled_function (" + std::to_string(in_function) +
                                     " of " + std::to_string(total) + ")");
  return install_test::finish("sampler_program");
}
