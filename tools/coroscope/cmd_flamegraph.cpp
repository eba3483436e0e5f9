// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// `coroscope flamegraph PROFILE -o out.svg`: an interactive SVG flamegraph.
#include "command.hpp"

#include <coroscope/flamegraph.hpp>

#include <memory>

namespace coroscope::cli {
namespace {

struct flamegraph_args {
  std::string profile;
  std::string output = "-";
  std::string sample_index;
  bool title_given = false;
  flamegraph_options options;
};

void add_flamegraph(CLI::App& app) {
  auto args = std::make_shared<flamegraph_args>();
  CLI::App* command = app.add_subcommand("flamegraph", "Write an interactive SVG flamegraph");
  command->add_option("PROFILE", args->profile, "pprof file (gzipped or not)")->required();
  command->add_option("-o,--output", args->output, "SVG file to write ('-': stdout)")->capture_default_str();
  command->add_option("--title", args->options.title, "Title (default: 'CPU flamegraph: PROFILE')");
  command->add_option("--width", args->options.width, "Image width in pixels")
      ->check(CLI::Range(200u, 100000u))
      ->capture_default_str();
  command->add_option("--min-width", args->options.min_frame_width,
                      "Merge frames narrower than this many pixels")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  command->add_flag("--icicle", args->options.icicle, "Root at the top instead of the bottom");
  add_sample_index_option(*command, args->sample_index, "--weight,--sample-index");
  add_full_names_flag(*command, args->options.names);
  command->callback([args, command] {
    const cpu_profile profile = load_profile(args->profile);
    flamegraph_options options = args->options;
    if (command->count("--title") == 0) options.title = "CPU flamegraph: " + args->profile;
    options.weight = choose_weight(args->sample_index, {&profile});
    write_output(args->output, render_flamegraph_svg(profile, options));
  });
}

const registration flamegraph_command{"flamegraph", &add_flamegraph};

}  // namespace
}  // namespace coroscope::cli
