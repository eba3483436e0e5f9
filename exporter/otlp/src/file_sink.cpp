// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/otlp.hpp>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace coroscope {
namespace {

[[noreturn]] void fail(const char* what, const std::string& path, int error) {
  throw std::runtime_error(std::string("cannot ") + what + " OTLP file '" + path +
                           "': " + std::strerror(error));
}

}  // namespace

struct otlp_file_sink::state {
  int fd = -1;
  std::mutex mutex;  // one record at a time, so records never interleave
};

otlp_file_sink::otlp_file_sink(std::string path) : path_(std::move(path)), state_(std::make_unique<state>()) {
  state_->fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (state_->fd < 0) fail("open", path_, errno);
}

otlp_file_sink::~otlp_file_sink() {
  if (state_ && state_->fd >= 0) ::close(state_->fd);
}

void otlp_file_sink::append(std::string_view request) {
  if (request.size() > static_cast<std::size_t>(INT_MAX))
    throw std::runtime_error("OTLP request too large for the file format");
  // Delimited format: the varint length, then the message; one write per record.
  using google::protobuf::io::CodedOutputStream;
  const auto length = static_cast<std::uint32_t>(request.size());
  std::string record(CodedOutputStream::VarintSize32(length), '\0');
  CodedOutputStream::WriteVarint32ToArray(length, reinterpret_cast<std::uint8_t*>(record.data()));
  record.append(request);

  std::lock_guard lock(state_->mutex);
  std::size_t written = 0;
  while (written < record.size()) {
    ssize_t n = ::write(state_->fd, record.data() + written, record.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write", path_, errno);
    }
    written += static_cast<std::size_t>(n);
  }
}

void otlp_file_sink::append(const cpu_profile& profile, const otlp_resource& resource) {
  append(encode_otlp_request(profile, resource));
}

std::string otlp_file_sink::path_from_environment(const env::reader& env) {
  return env.raw("COROSCOPE_OTLP_FILE").value_or(std::string());
}

std::vector<std::vector<otlp_decoded_profile>> read_otlp_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open", path, errno);
  google::protobuf::io::FileInputStream file(fd);
  file.SetCloseOnDelete(true);

  std::vector<std::vector<otlp_decoded_profile>> requests;
  std::string record;
  for (;;) {
    // A fresh CodedInputStream per record keeps protobuf's total-bytes limit per record.
    google::protobuf::io::CodedInputStream in(&file);
    std::uint32_t length = 0;
    if (!in.ReadVarint32(&length)) {
      // Clean end of file, or a truncated length.
      if (in.CurrentPosition() == 0 && file.GetErrno() == 0) break;
      throw std::runtime_error("OTLP file '" + path + "': truncated record length after " +
                               std::to_string(requests.size()) + " requests");
    }
    if (!in.ReadString(&record, static_cast<int>(length)))
      throw std::runtime_error("OTLP file '" + path + "': record " +
                               std::to_string(requests.size() + 1) + " is truncated");
    try {
      requests.push_back(decode_otlp_request(record));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error("OTLP file '" + path + "': record " +
                               std::to_string(requests.size() + 1) + ": " + e.what());
    }
  }
  if (file.GetErrno() != 0) fail("read", path, file.GetErrno());
  return requests;
}

}  // namespace coroscope
