// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// `coroscope otlp-dump FILE`: prints the OTLP profiles requests a COROSCOPE_OTLP_FILE sink
// wrote (resource, sample type, each sample's stack, attributes and trace link).
#include "command.hpp"

#include <coroscope/otlp.hpp>

#include <iostream>
#include <memory>
#include <sstream>
#include <string_view>

namespace coroscope::cli {
namespace {

struct otlp_dump_args {
  std::string path;
  name_style names = name_style::short_names;
};

void add_otlp_dump(CLI::App& app) {
  auto args = std::make_shared<otlp_dump_args>();
  CLI::App* command = app.add_subcommand(
      "otlp-dump", "Print the OTLP profiles requests in a COROSCOPE_OTLP_FILE file");
  command->add_option("FILE", args->path, "length-delimited ExportProfilesServiceRequest file")
      ->required();
  add_full_names_flag(*command, args->names);
  command->callback([args] {
    std::ostringstream error;
    if (otlp_dump(args->path, std::cout, error, args->names) != 0) {
      // One line, as every file problem of the tool: `coroscope: FILE: reason`.
      std::string reason = error.str();
      while (!reason.empty() && reason.back() == '\n') reason.pop_back();
      constexpr std::string_view prefix = "coroscope otlp-dump: ";
      if (reason.starts_with(prefix)) reason.erase(0, prefix.size());
      throw file_error(args->path, reason);
    }
  });
}

const registration otlp_dump_command{"otlp-dump", &add_otlp_dump};

}  // namespace
}  // namespace coroscope::cli
