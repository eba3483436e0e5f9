// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/console/frame_codec.hpp"

#include <stdexcept>

namespace coroscope::console {

void append_frame(std::string& out, std::string_view payload, std::size_t max_frame) {
  if (payload.size() > max_frame)
    throw std::length_error("console frame of " + std::to_string(payload.size()) +
                            " bytes exceeds the limit of " + std::to_string(max_frame));
  const auto n = static_cast<std::uint32_t>(payload.size());
  const char header[kFrameHeaderSize] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                                         static_cast<char>(n >> 8), static_cast<char>(n)};
  out.append(header, kFrameHeaderSize);
  out.append(payload);
}

std::string encode_frame(std::string_view payload, std::size_t max_frame) {
  std::string out;
  out.reserve(kFrameHeaderSize + payload.size());
  append_frame(out, payload, max_frame);
  return out;
}

void frame_decoder::feed(std::string_view bytes) {
  if (!error_.empty()) return;
  // Compact once the consumed prefix dominates, so the buffer stays bounded by one frame.
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(bytes);
}

frame_decoder::status frame_decoder::next(std::string& payload) {
  if (!error_.empty()) return status::error;
  const std::size_t available = buffer_.size() - start_;
  if (available < kFrameHeaderSize) return status::need_more;
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + start_);
  const std::size_t size = (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) |
                           (std::size_t{p[2]} << 8) | std::size_t{p[3]};
  if (size == 0) {
    error_ = "empty frame";
    return status::error;
  }
  if (size > max_frame_) {
    error_ = "frame of " + std::to_string(size) + " bytes exceeds the limit of " +
             std::to_string(max_frame_);
    return status::error;
  }
  if (available - kFrameHeaderSize < size) return status::need_more;
  payload.assign(buffer_, start_ + kFrameHeaderSize, size);
  start_ += kFrameHeaderSize + size;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  return status::frame;
}

}  // namespace coroscope::console
