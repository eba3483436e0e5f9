// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// `coroscope collapse PROFILE`: collapsed stacks (`root;...;leaf N`) for other tools.
#include "command.hpp"

#include <coroscope/profile.hpp>
#include <coroscope/collapsed.hpp>

#include <memory>

namespace coroscope::cli {
namespace {

struct collapse_args {
  std::string profile;
  std::string output = "-";
  std::string sample_index;
  name_style names = name_style::short_names;
};

void add_collapse(CLI::App& app) {
  auto args = std::make_shared<collapse_args>();
  CLI::App* command = app.add_subcommand("collapse", "Write collapsed stacks, one 'root;...;leaf N' line per stack");
  command->add_option("PROFILE", args->profile, "pprof file (gzipped or not)")->required();
  command->add_option("-o,--output", args->output, "File to write ('-': stdout)")->capture_default_str();
  add_sample_index_option(*command, args->sample_index);
  add_full_names_flag(*command, args->names);
  command->callback([args] {
    cpu_profile profile = load_profile(args->profile);
    // collapsed_stacks sums counts: put the chosen value there.
    if (choose_weight(args->sample_index, {&profile}) == sample_weight::cpu_ns)
      for (sample& s : profile.samples) s.count = s.cpu_ns;
    write_output(args->output, collapsed_stacks(profile, args->names));
  });
}

const registration collapse_command{"collapse", &add_collapse};

}  // namespace
}  // namespace coroscope::cli
