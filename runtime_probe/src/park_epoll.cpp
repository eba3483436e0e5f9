// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Asio's epoll reactor blocks in epoll_wait; `-Wl,--wrap=epoll_wait` routes it here.
#include <sys/epoll.h>

#include "park_scope.hpp"

extern "C" int __real_epoll_wait(int epfd, epoll_event* events, int max_events, int timeout);

extern "C" int __wrap_epoll_wait(int epfd, epoll_event* events, int max_events, int timeout) {
  if (timeout == 0) return __real_epoll_wait(epfd, events, max_events, timeout);
  coroscope::detail::park_scope park;
  return __real_epoll_wait(epfd, events, max_events, timeout);
}
