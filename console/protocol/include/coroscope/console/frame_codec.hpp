// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace coroscope::console {

/// The protocol version this build speaks (`coroscope.console.v1.Version.VERSION_CURRENT`).
inline constexpr std::uint32_t kProtocolVersion = 1;
/// Bytes of the big-endian length that precedes every payload.
inline constexpr std::size_t kFrameHeaderSize = 4;
/// Largest payload the probe sends (a full state of many thousand tasks fits easily).
inline constexpr std::size_t kMaxFrameSize = 64u << 20;
/// Largest payload the probe accepts from a console: requests are tiny.
inline constexpr std::size_t kMaxClientFrameSize = 64u << 10;

/// Appends one frame (length + `payload`) to `out`. Throws std::length_error when
/// `payload` is larger than `max_frame`.
void append_frame(std::string& out, std::string_view payload,
                  std::size_t max_frame = kMaxFrameSize);

/// One frame holding `payload`.
std::string encode_frame(std::string_view payload, std::size_t max_frame = kMaxFrameSize);

/// Splits a byte stream into frame payloads. Feed bytes as they arrive, then call `next`
/// until it stops returning `frame`. After `error` the decoder stays failed: the stream
/// cannot be resynchronized, the connection must be closed. Not thread-safe.
class frame_decoder {
 public:
  enum class status { need_more, frame, error };

  explicit frame_decoder(std::size_t max_frame = kMaxFrameSize) : max_frame_(max_frame) {}

  /// Adds received bytes. Ignored after an error.
  void feed(std::string_view bytes);
  /// Extracts the next complete payload into `payload`.
  status next(std::string& payload);
  /// Why the stream was rejected (empty unless `next` returned `error`).
  const std::string& error() const noexcept { return error_; }
  /// Bytes received but not yet returned as frames.
  std::size_t buffered() const noexcept { return buffer_.size() - start_; }

 private:
  std::size_t max_frame_;
  std::string buffer_;
  std::size_t start_ = 0;  ///< first unconsumed byte of buffer_
  std::string error_;
};

}  // namespace coroscope::console
