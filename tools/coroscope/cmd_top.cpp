// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// `coroscope top PROFILE`: hot functions (flat/cum) and hot tasks.
#include "command.hpp"

#include <coroscope/report.hpp>

#include <memory>

namespace coroscope::cli {
namespace {

struct top_args {
  std::string profile;
  std::string sample_index;
  top_options options;
};

void add_top(CLI::App& app) {
  auto args = std::make_shared<top_args>();
  CLI::App* command = app.add_subcommand("top", "Hot functions (flat = self, cum = on the stack) and hot tasks");
  command->add_option("PROFILE", args->profile, "pprof file (gzipped or not)")->required();
  command->add_option("--percent", args->options.percent_threshold, "Hide rows under this percent of the total")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  command->add_option("--limit", args->options.limit, "At most this many rows per table (0: no limit)")
      ->capture_default_str();
  command->add_flag("--tasks-only", args->options.tasks_only, "Print only the hot tasks");
  command->add_option("--task-label", args->options.task_label, "Sample label naming the task")
      ->capture_default_str();
  add_sample_index_option(*command, args->sample_index);
  add_full_names_flag(*command, args->options.names);
  command->callback([args] {
    const cpu_profile profile = load_profile(args->profile);
    top_options options = args->options;
    options.weight = choose_weight(args->sample_index, {&profile});
    write_output("-", format_top(top_report(profile, options), options));
  });
}

const registration top_command{"top", &add_top};

}  // namespace
}  // namespace coroscope::cli
