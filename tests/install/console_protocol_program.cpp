// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::console_protocol alone, as a tool reading a console stream would use it: the
// installed generated messages (coroscope/console/v1/console.pb.h), the frame codec and
// the state builder that merges the stream.
#include <string>

#include <coroscope/console/frame_codec.hpp>
#include <coroscope/console/v1/console.pb.h>
#include <coroscope/console_state.hpp>

#include "check.hpp"

using install_test::check;
namespace pb = coroscope::console::v1;
using result = coroscope::console_state_builder::result;

int main() {
  pb::ServerMessage hello;
  hello.mutable_hello()->set_protocol_version(coroscope::console::kProtocolVersion);
  hello.mutable_hello()->set_service_name("install-console-protocol");
  pb::ServerMessage update;
  update.mutable_update()->set_sequence(1);
  update.mutable_update()->set_full_state(true);
  pb::Task* task = update.mutable_update()->add_new_tasks();
  task->set_id(7);
  task->set_name("from-the-stream");

  const std::string stream = coroscope::console::encode_frame(hello.SerializeAsString()) +
                             coroscope::console::encode_frame(update.SerializeAsString());
  coroscope::console::frame_decoder decoder;
  coroscope::console_state_builder builder;
  int frames = 0;
  // Three bytes at a time, as a slow socket would deliver them.
  for (std::size_t at = 0; at < stream.size(); at += 3) {
    decoder.feed(std::string_view(stream).substr(at, 3));
    std::string payload;
    while (decoder.next(payload) == coroscope::console::frame_decoder::status::frame) {
      ++frames;
      check(builder.apply(payload).kind == (frames == 1 ? result::hello : result::update),
            "frame " + std::to_string(frames) + " is the " + (frames == 1 ? "hello" : "update"));
    }
  }
  check(frames == 2, "two frames came out of the stream");
  check(decoder.buffered() == 0, "no bytes are left over");
  const coroscope::console_state& state = builder.state();
  check(state.identity.service_name == "install-console-protocol", "the state names the service");
  check(state.tasks.count(7) && state.tasks.at(7).name == "from-the-stream", "the state holds task 7");

  coroscope::console::frame_decoder bad(16);
  bad.feed(std::string("\xff\xff\xff\xff", 4));
  std::string payload;
  check(bad.next(payload) == coroscope::console::frame_decoder::status::error && !bad.error().empty(),
        "an oversized frame is an error with a reason");
  return install_test::finish("console_protocol_program");
}
