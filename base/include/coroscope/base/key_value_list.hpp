// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coroscope::base {

/// The result of parsing a `k=v,k2=v2` list (OTEL_RESOURCE_ATTRIBUTES,
/// OTEL_EXPORTER_OTLP_HEADERS, COROSCOPE_OTLP_HEADERS, COROSCOPE_PYROSCOPE_TAGS ...): the
/// good pairs in order, and one message per bad entry.
struct key_value_list {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<std::string> errors;
};

/// Splits `text` at commas into `key=value` entries, trims blanks around keys and values
/// and percent-decodes both (`%XX`; a `+` stays a `+`: these are not form bodies). Empty
/// entries are ignored; an entry without `=`, with an empty key or with a bad percent
/// escape is reported in `errors` (quoted, without the variable's name) and skipped.
key_value_list parse_key_value_list(std::string_view text);

}  // namespace coroscope::base
