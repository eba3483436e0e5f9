// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// `coroscope diff BEFORE AFTER -o diff.svg`: a differential flamegraph.
#include "command.hpp"

#include <coroscope/flamegraph.hpp>

#include <memory>

namespace coroscope::cli {
namespace {

struct diff_args {
  std::string before;
  std::string after;
  std::string output = "-";
  std::string sample_index;
  std::string colour_by = "self";
  flamegraph_options options;
};

void add_diff(CLI::App& app) {
  auto args = std::make_shared<diff_args>();
  CLI::App* command = app.add_subcommand(
      "diff", "Write a differential flamegraph: AFTER's shape, red = share grew, blue = shrank");
  command->add_option("BEFORE", args->before, "pprof file of the baseline")->required();
  command->add_option("AFTER", args->after, "pprof file to compare with it")->required();
  command->add_option("-o,--output", args->output, "SVG file to write ('-': stdout)")->capture_default_str();
  command->add_option("--title", args->options.title, "Title (default: 'CPU diff: BEFORE -> AFTER')");
  command->add_option("--width", args->options.width, "Image width in pixels")
      ->check(CLI::Range(200u, 100000u))
      ->capture_default_str();
  command->add_option("--min-width", args->options.min_frame_width,
                      "Merge frames narrower than this many pixels")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  command->add_option("--colour-by,--color-by", args->colour_by,
                      "Colour by the change of each frame's self share or total share")
      ->check(CLI::IsMember({"self", "total"}))
      ->capture_default_str();
  command->add_flag("--icicle", args->options.icicle, "Root at the top instead of the bottom");
  add_sample_index_option(*command, args->sample_index, "--weight,--sample-index");
  add_full_names_flag(*command, args->options.names);
  command->callback([args, command] {
    const cpu_profile before = load_profile(args->before);
    const cpu_profile after = load_profile(args->after);
    flamegraph_options options = args->options;
    if (command->count("--title") == 0) options.title = "CPU diff: " + args->before + " -> " + args->after;
    options.weight = choose_weight(args->sample_index, {&before, &after});
    options.diff_by_self = args->colour_by == "self";
    write_output(args->output, render_diff_flamegraph_svg(before, after, options));
  });
}

const registration diff_command{"diff", &add_diff};

}  // namespace
}  // namespace coroscope::cli
