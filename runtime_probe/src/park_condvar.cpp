// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Idle Asio workers wait on the scheduler's condition variable; `-Wl,--wrap=` routes
// pthread_cond_wait and pthread_cond_timedwait here.
#include <pthread.h>

#include "park_scope.hpp"

extern "C" int __real_pthread_cond_wait(pthread_cond_t* cond, pthread_mutex_t* mutex);
extern "C" int __real_pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mutex,
                                             const timespec* abstime);

extern "C" int __wrap_pthread_cond_wait(pthread_cond_t* cond, pthread_mutex_t* mutex) {
  coroscope::detail::park_scope park;
  return __real_pthread_cond_wait(cond, mutex);
}

extern "C" int __wrap_pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mutex,
                                             const timespec* abstime) {
  coroscope::detail::park_scope park;
  return __real_pthread_cond_timedwait(cond, mutex, abstime);
}
