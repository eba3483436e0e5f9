// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/otlp.hpp>

#include "wire.hpp"

#include <climits>

namespace coroscope {

std::optional<otlp_partial_success> decode_otlp_response(std::string_view body) {
  detail::otlp_collector_pb::ExportProfilesServiceResponse parsed;
  // protobuf parses at most INT_MAX bytes; the exporter reads at most 1 MiB anyway.
  if (body.empty() || body.size() > static_cast<std::size_t>(INT_MAX) || !parsed.ParseFromArray(body.data(), static_cast<int>(body.size())) ||
      !parsed.has_partial_success())
    return std::nullopt;
  otlp_partial_success result{parsed.partial_success().rejected_profiles(),
                              parsed.partial_success().error_message()};
  if (result.rejected_profiles == 0 && result.error_message.empty()) return std::nullopt;
  return result;
}

}  // namespace coroscope
