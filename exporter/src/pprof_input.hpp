// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Reading a pprof file someone handed us without letting it claim memory out of
// proportion to its size: shared by the CPU and the heap profile decoders.
#pragma once

#include "profile.pb.h"

#include <cstddef>
#include <string_view>

namespace coroscope::detail {

/// What decoding one pprof input may cost, in proportion to the input's size, with a
/// floor for small files and a ceiling for all.
///
/// Real profiles stay well inside: gzip inflates them 2 to 10 times, and their decoded
/// model, counted as if every frame of every sample had its own strings, takes up to about
/// 900 times their gzipped size (100k samples of one 32-frame stack, each with its own
/// span label). A CPU profile's model holds each frame once and stacks as indices, but
/// what reads it expands the stacks again (collapsed stacks name every frame of every
/// line, a flamegraph every frame of every path), so the expanded size is what bounds the
/// cost of reading a file, and it is what is counted.
/// Gzip bombs, millions of tiny samples, and frames or long names repeated by reference
/// take thousands of times more; they are refused before they take it.
///
/// Parsing needs no limit of its own: protobuf's parsed objects are at most about 50
/// times their wire size (an empty Sample: 2 bytes on the wire, ~100 parsed), so the
/// inflate limit bounds it.
struct pprof_input_limits {
  std::size_t max_inflated_bytes = 0;  ///< the gzip output (the raw protobuf)
  std::size_t max_decoded_bytes = 0;   ///< the model the decoder builds, estimated beforehand

  /// Gzip may inflate to this many times the input, or to kMinInflated, never past
  /// kMaxInflated.
  static constexpr std::size_t kInflateRatio = 64;
  static constexpr std::size_t kMinInflated = std::size_t{1} << 20;
  static constexpr std::size_t kMaxInflated = std::size_t{256} << 20;
  /// The decoded model may take this many times the input, or kMinDecoded, never more
  /// than kMaxDecoded.
  static constexpr std::size_t kDecodedRatio = 4096;
  static constexpr std::size_t kMinDecoded = std::size_t{64} << 20;
  static constexpr std::size_t kMaxDecoded = std::size_t{4} << 30;

  /// The limits for an input of `input_bytes` bytes.
  static pprof_input_limits for_input(std::size_t input_bytes) noexcept;
};

/// Parses `input` (gzipped or raw pprof) into `out` within `pprof_input_limits::for_input`.
/// Throws `std::runtime_error`: `not a KIND profile: REASON` for input that is not a
/// profile (empty, corrupt gzip or protobuf), and, naming the limit, `KIND profile
/// refused: ...` for one that would take too much memory. `kind` is `pprof` or `heap`.
void parse_pprof_input(std::string_view input, perftools::profiles::Profile& out,
                       std::string_view kind);

/// Bytes the decoded model of `profile` would hold with its stacks expanded: every frame
/// each sample's stack expands to (inlined lines included), each with its own copies of
/// its strings, the frames of every location, the samples and their labels. Counting stops once past
/// `stop_after`. Dangling ids count as nothing (the decoders reject them).
std::size_t estimate_decoded_bytes(const perftools::profiles::Profile& profile,
                                   std::size_t stop_after);

}  // namespace coroscope::detail
