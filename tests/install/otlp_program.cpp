// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::otlp alone: a CPU profile becomes an OTLP profiles request and back, and goes
// through the delimited file sink and back. Argument: a directory to write the file in.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <coroscope/otlp.hpp>

#include "check.hpp"

using install_test::check;

namespace {

coroscope::cpu_profile profile() {
  coroscope::cpu_profile p;
  p.period_ns = 10'000'000;
  coroscope::sample s;
  coroscope::frame leaf, root;
  leaf.function = "encode_reply";
  root.function = "main";
  s.stack = p.add_frames({leaf, root});
  s.count = 4;
  s.cpu_ns = 40'000'000;
  s.labels = {{"task", "reply"}, {"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"}, {"span_id", "00f067aa0ba902b7"}};
  p.samples = {s};
  return p;
}

void check_decoded(const coroscope::otlp_decoded_profile& d, const std::string& where) {
  const coroscope::otlp_value* service = d.resource.find("service.name");
  check(service && std::get<std::string>(*service) == "install-otlp", where + ": service.name is install-otlp");
  check(d.sample_type == "samples/count", where + ": sample type samples/count (" + d.sample_type + ")");
  std::int64_t count = 0;
  bool labels = true, stack = true;
  for (const auto& s : d.profile.samples) {
    count += s.count;
    labels &= s.labels.count("task") && s.labels.at("task") == "reply" &&
              s.labels.count("trace_id") && s.labels.at("trace_id") == "4bf92f3577b34da6a3ce929d0e0e4736";
    const std::vector<coroscope::frame> frames = d.profile.frames_of(s);
    stack &= frames.size() == 2 && frames[0].function == "encode_reply" && frames[1].function == "main";
  }
  check(count == 4, where + ": 4 samples (" + std::to_string(count) + ")");
  check(labels, where + ": task and trace id survive");
  check(stack, where + ": the stack survives, leaf first");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: otlp_program DIRECTORY\n");
    return 2;
  }
  // An environment of our own, so the program's own environment cannot change the result.
  const coroscope::env::reader none = coroscope::env::reader::empty();
  std::ostringstream err;
  const coroscope::otlp_resource resource = coroscope::make_otlp_resource("install-otlp", err, none);
  check(err.str().empty(), "the resource is made without errors");

  const auto decoded = coroscope::decode_otlp_request(coroscope::encode_otlp_request(profile(), resource));
  check(decoded.size() == 1, "the request holds one profile");
  if (decoded.size() == 1) check_decoded(decoded[0], "request");

  const std::string path = std::string(argv[1]) + "/profiles.otlp";
  std::remove(path.c_str());
  {
    coroscope::otlp_file_sink sink(path);
    sink.append(profile(), resource);
    sink.append(profile(), resource);
  }
  const auto requests = coroscope::read_otlp_file(path);
  check(requests.size() == 2, "the file holds the two requests appended");
  for (const auto& request : requests)
    if (request.size() == 1) check_decoded(request[0], "file");
  return install_test::finish("otlp_program");
}
