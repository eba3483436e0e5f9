// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Compiled without BOOST_ASIO_CUSTOM_HANDLER_TRACKING (see CMakeLists.txt): Asio as a
// library built without coroscope would have it.
#include "unhooked_asio.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#ifdef BOOST_ASIO_CUSTOM_HANDLER_TRACKING
#error "this file must be compiled without coroscope's hooks"
#endif

int run_handlers_without_hooks(int handlers) {
  boost::asio::io_context io;
  int ran = 0;
  for (int i = 0; i < handlers; ++i) boost::asio::post(io, [&ran] { ++ran; });
  io.run();
  return ran;
}
