// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

// The generated OTLP messages and the conventions our encoder and decoder share.
// Internal: never included by a public header.
#include "opentelemetry/proto/collector/profiles/v1development/profiles_service.pb.h"
#include "opentelemetry/proto/profiles/v1development/profiles.pb.h"

#include <optional>
#include <string>
#include <string_view>

namespace coroscope::detail {

namespace otlp_pb = opentelemetry::proto::profiles::v1development;
namespace otlp_collector_pb = opentelemetry::proto::collector::profiles::v1development;
namespace otlp_common_pb = opentelemetry::proto::common::v1;

/// A task frame is a Function whose system name is this prefix + the task name.
inline constexpr std::string_view task_system_name_prefix = "coroscope.task:";

/// Mapping attribute for the GNU build id (OTel profiles semantic conventions).
inline constexpr std::string_view build_id_attribute = "process.executable.build_id.gnu";

/// Sample label <-> sample attribute.
struct label_attribute {
  std::string_view label;
  std::string_view attribute;
  bool integer;  // sent as int_value when the label is a decimal number
};
inline constexpr label_attribute label_attributes[] = {
    {"thread.name", "thread.name", false},
    {"thread", "thread.name", false},
    {"thread.id", "thread.id", true},
    {"thread_id", "thread.id", true},
    {"task", "coroscope.task.name", false},
    {"task_id", "coroscope.task.id", true},
    {"worker", "coroscope.worker", true},
};

/// Lower-case hex of `bytes`.
std::string to_hex(std::string_view bytes);

/// The bytes `hex` stands for when it is exactly `size` bytes of hex digits (either case)
/// and not all zero; nothing otherwise.
std::optional<std::string> id_from_hex(std::string_view hex, std::size_t size);

}  // namespace coroscope::detail
