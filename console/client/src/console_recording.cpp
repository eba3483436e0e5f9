// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/console_recording.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace coroscope {
namespace {

constexpr char kMagic[8] = {'C', 'S', 'C', 'O', 'P', 'R', 'E', 'C'};
constexpr char kFileVersion = 1;
constexpr std::size_t kRecordHeader = 8 + 1 + 4;
constexpr std::uint32_t kMaxRecordedFrame = 256u << 20;

void put_be(char* out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
}

std::uint64_t get_be(const char* in, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

std::chrono::system_clock::time_point from_unix_ns(std::uint64_t ns) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(static_cast<std::int64_t>(ns))));
}

}  // namespace

std::unique_ptr<session_recorder> session_recorder::create(const std::string& path,
                                                           std::string& error) {
  auto r = std::unique_ptr<session_recorder>(new session_recorder);
  r->out_.open(path, std::ios::binary | std::ios::trunc);
  if (r->out_) {
    r->out_.write(kMagic, sizeof kMagic);
    r->out_.put(kFileVersion);
    r->out_.flush();
  }
  if (!r->out_) {
    error = "cannot write the recording " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  return r;
}

bool session_recorder::write(std::chrono::system_clock::time_point time, recorded_kind kind,
                             std::string_view payload) {
  char header[kRecordHeader];
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
  put_be(header, static_cast<std::uint64_t>(ns), 8);
  header[8] = static_cast<char>(kind);
  put_be(header + 9, payload.size(), 4);
  out_.write(header, sizeof header);
  out_.write(payload.data(), static_cast<std::streamsize>(payload.size()));
  out_.flush();  // a crash of the console keeps what was received
  return static_cast<bool>(out_);
}

std::unique_ptr<session_reader> session_reader::open(const std::string& path, std::string& error) {
  auto r = std::unique_ptr<session_reader>(new session_reader);
  r->in_.open(path, std::ios::binary);
  if (!r->in_) {
    error = "cannot open the recording " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  char magic[sizeof kMagic + 1] = {};
  if (!r->in_.read(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof kMagic) != 0) {
    error = path + " is not a coroscope console recording";
    return nullptr;
  }
  if (magic[sizeof kMagic] != kFileVersion) {
    error = path + " is a recording of format " + std::to_string(int(magic[sizeof kMagic])) +
            "; this console reads format " + std::to_string(int(kFileVersion));
    return nullptr;
  }
  r->in_.seekg(0, std::ios::end);
  const auto file_size = static_cast<std::uint64_t>(r->in_.tellg());
  std::uint64_t pos = sizeof magic;
  char header[kRecordHeader];
  while (pos + kRecordHeader <= file_size) {
    r->in_.seekg(static_cast<std::streamoff>(pos));
    if (!r->in_.read(header, sizeof header)) break;
    const auto size = static_cast<std::uint32_t>(get_be(header + 9, 4));
    const auto kind = static_cast<std::uint8_t>(header[8]);
    // Times past 2^63 ns would be negative time points, and offsets between them overflow.
    const std::uint64_t time_ns = get_be(header, 8);
    if (size > kMaxRecordedFrame || kind > static_cast<std::uint8_t>(recorded_kind::delta) ||
        time_ns > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      error = path + " is damaged at byte " + std::to_string(pos);
      return nullptr;
    }
    if (pos + kRecordHeader + size > file_size) break;  // truncated tail: the console died
    entry e{from_unix_ns(time_ns), static_cast<recorded_kind>(kind),
            pos + kRecordHeader, size};
    if (!r->index_.empty() && e.time < r->index_.back().time) e.time = r->index_.back().time;
    r->index_.push_back(e);
    pos += kRecordHeader + size;
  }
  r->in_.clear();
  return r;
}

std::chrono::system_clock::time_point session_reader::start_time() const noexcept {
  return index_.empty() ? std::chrono::system_clock::time_point{} : index_.front().time;
}

std::chrono::nanoseconds session_reader::offset(std::size_t i) const noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(index_[i].time - start_time());
}

std::chrono::nanoseconds session_reader::duration() const noexcept {
  return index_.empty() ? std::chrono::nanoseconds{0} : offset(index_.size() - 1);
}

recorded_frame session_reader::read(std::size_t i) {
  const entry& e = index_.at(i);
  recorded_frame f{e.time, e.kind, std::string(e.size, '\0')};
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(e.offset));
  if (!in_.read(f.payload.data(), e.size))
    throw std::runtime_error("cannot read frame " + std::to_string(i) + " of the recording");
  return f;
}

std::size_t session_reader::seek(std::chrono::nanoseconds t) const noexcept {
  const auto at = start_time() + std::chrono::duration_cast<std::chrono::system_clock::duration>(t);
  return static_cast<std::size_t>(
      std::upper_bound(index_.begin(), index_.end(), at,
                       [](auto time, const entry& e) { return time < e.time; }) -
      index_.begin());
}

console_state session_reader::state_until(std::size_t end) {
  end = std::min(end, index_.size());
  std::size_t full = end, hello = end;
  for (std::size_t i = end; i-- > 0;) {
    if (full == end && index_[i].kind == recorded_kind::full_state) full = i;
    if (index_[i].kind == recorded_kind::hello) {
      hello = i;
      break;
    }
  }
  console_state_builder builder;
  if (hello < end) builder.apply(read(hello).payload);
  std::size_t from = full < end ? full : (hello < end ? hello + 1 : 0);
  // A full state recorded before the latest hello belongs to an earlier connection.
  if (hello < end && full < hello) from = hello + 1;
  for (std::size_t i = from; i < end; ++i)
    if (index_[i].kind != recorded_kind::hello) builder.apply(read(i).payload);
  return builder.state();
}

}  // namespace coroscope
