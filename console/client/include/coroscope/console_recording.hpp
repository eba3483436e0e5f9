// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "coroscope/console_state.hpp"

namespace coroscope {

/// Kind of a recorded frame, stored with it so a reader can seek without decoding.
enum class recorded_kind : std::uint8_t { other = 0, hello = 1, full_state = 2, delta = 3 };

/// One received frame of a recorded session.
struct recorded_frame {
  std::chrono::system_clock::time_point time{};  ///< when the console received it
  recorded_kind kind = recorded_kind::other;
  std::string payload;  ///< a serialized ServerMessage
};

/// Writes a session file: the magic "CSCOPREC", a version byte, then per frame a
/// big-endian 8-byte Unix time in ns, a kind byte, a 4-byte length and the payload.
/// Not thread-safe.
class session_recorder {
 public:
  /// Creates (truncates) `path`. Returns null and sets `error` on failure.
  static std::unique_ptr<session_recorder> create(const std::string& path, std::string& error);
  /// False once a write has failed.
  bool write(std::chrono::system_clock::time_point time, recorded_kind kind,
             std::string_view payload);
  bool ok() const { return static_cast<bool>(out_); }

 private:
  std::ofstream out_;
};

/// Reads a session file: frames in order, by index or by time. Only an index is kept in
/// memory; payloads are read on demand. Not thread-safe.
class session_reader {
 public:
  /// Opens and indexes `path`. Returns null and sets `error` (one line) on a missing,
  /// foreign or damaged file. A truncated last frame is ignored.
  static std::unique_ptr<session_reader> open(const std::string& path, std::string& error);

  std::size_t size() const noexcept { return index_.size(); }
  /// Time of the first frame; offsets below are relative to it.
  std::chrono::system_clock::time_point start_time() const noexcept;
  /// Offset of the last frame.
  std::chrono::nanoseconds duration() const noexcept;
  std::chrono::nanoseconds offset(std::size_t i) const noexcept;
  recorded_kind kind(std::size_t i) const noexcept { return index_[i].kind; }
  /// Frame `i` (< size()). Throws std::runtime_error on a read error.
  recorded_frame read(std::size_t i);
  /// Number of frames with offset <= `t`: frames [0, seek(t)) make the state at `t`.
  std::size_t seek(std::chrono::nanoseconds t) const noexcept;
  /// The merged state after frames [0, end): decodes from the last hello and full state
  /// before `end`, not from the beginning.
  console_state state_until(std::size_t end);

 private:
  struct entry {
    std::chrono::system_clock::time_point time;
    recorded_kind kind;
    std::uint64_t offset;  ///< of the payload
    std::uint32_t size;
  };
  std::ifstream in_;
  std::vector<entry> index_;
};

}  // namespace coroscope
