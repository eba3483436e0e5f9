// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// coroscope::probe: the recording core plus the services its options ask for.
#include "coroscope/probe.hpp"

#include "coroscope/core/recording.hpp"
#include "coroscope/perfetto.hpp"
#include "services.hpp"

namespace coroscope {

probe::probe(boost::asio::io_context& io, probe_options options)
    : core_(core::start_recording(io, options)) {
  for (auto& s : agent::make_services(*core_))
    if (s->start()) services_.push_back(std::move(s));
}

probe::~probe() {
  // The servers that read the recording stop first, then the recording detaches, then the
  // sinks that must see its end (the last OTLP interval, the profile files).
  for (auto s = services_.rbegin(); s != services_.rend(); ++s)
    if (!(*s)->outlives_recording()) (*s)->stop();
  core_->detach();
  for (auto s = services_.rbegin(); s != services_.rend(); ++s)
    if ((*s)->outlives_recording()) (*s)->stop();
  services_.clear();  // before the recording they refer to
}

std::uint16_t probe::port_of(std::string_view name) const noexcept {
  for (const auto& s : services_)
    if (s->name() == name) return s->port();
  return 0;
}

std::uint16_t probe::http_port() const noexcept { return port_of("http"); }

std::uint16_t probe::console_port() const noexcept { return port_of("console"); }

task_executor probe::executor(std::string_view task_name, std::source_location location) {
  return core_->executor(task_name, location);
}

void probe::run(unsigned threads) { core_->run(threads); }

coroscope::snapshot probe::snapshot() const { return core_->take_snapshot(); }

coroscope::task_dump probe::dump_tasks() const { return core_->dump_tasks(); }

std::optional<coroscope::timeline> probe::trace_window(std::chrono::nanoseconds last) const {
  return core_->trace_window(last, true);
}

bool probe::write_trace(const std::string& path, std::chrono::nanoseconds last) const {
  const std::optional<coroscope::timeline> window = core_->trace_window(last, true);
  if (!window) return false;
  write_perfetto(*window, path);
  return true;
}

const resolved_options& probe::options() const noexcept { return core_->options(); }

boost::asio::io_context& probe::context() noexcept { return core_->context(); }

std::uint16_t probe::id() const noexcept { return core_->id(); }

void probe::start_cpu_profile() { core_->start_cpu_profile(); }

cpu_profile probe::stop_cpu_profile() { return core_->stop_cpu_profile(); }

cpu_profile probe::profile_cpu(std::chrono::nanoseconds duration) {
  return core_->profile_for(duration, {});
}

sampling::sampler_stats probe::sampler_stats() const { return sampling::stats(); }

}  // namespace coroscope
