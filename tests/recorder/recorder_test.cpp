// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The flight recorder end to end: a workload whose schedule the test knows, recorded,
// written with write_trace and decoded with the generated Perfetto classes; the window's
// time and byte bounds; the HTTP endpoint on and off.
#include <gtest/gtest.h>
#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "co_test.hpp"
#include "coroscope/coroscope.hpp"
#include "coroscope/perfetto.hpp"
#include "http_test_client.hpp"
#include "snapshot_lookup.hpp"
#include "temp_dir.hpp"
#include "trace_view.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using coroscope::test::find_task;

namespace {

constexpr int kTicks = 5;

/// `n` timer waits of `each`, each timed (TIMED_AWAIT): n + 1 polls.
asio::awaitable<void> ticker(int n, std::chrono::milliseconds each) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0; i < n; ++i) {
    timer.expires_after(each);
    TIMED_AWAIT_AS("tick", timer.async_wait(asio::use_awaitable));
  }
}

/// Spawns "ping" and "pong" (timers of 2 and 3 ms) once the second worker runs (a thread
/// can start late, under a sanitizer after the work is done), and returns.
asio::awaitable<void> pingpong(coroscope::probe& p) {
  asio::steady_timer wait(co_await asio::this_coro::executor);
  while (p.snapshot().workers.size() < 2) {
    wait.expires_after(1ms);
    co_await wait.async_wait(asio::use_awaitable);
  }
  asio::co_spawn(p.executor("ping"), ticker(kTicks, 2ms), asio::detached);
  asio::co_spawn(p.executor("pong"), ticker(kTicks, 3ms), asio::detached);
  co_return;
}

/// `n` posts to itself: n + 1 polls.
asio::awaitable<void> yielder(int n) {
  for (int i = 0; i < n; ++i)
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

using int_channel = asio::experimental::channel<void(boost::system::error_code, int)>;

/// Receives until the channel closes.
asio::awaitable<void> consumer(int_channel& ch) {
  for (;;) {
    auto [ec, value] = co_await ch.async_receive(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

/// Sends `n` values, then closes the channel.
asio::awaitable<void> producer(int_channel& ch, int n) {
  for (int i = 0; i < n; ++i) co_await ch.async_send(boost::system::error_code{}, i, asio::use_awaitable);
  ch.close();
}

/// Waits `n` times on a timer that never expires: another task's cancel_one wakes it, as a
/// timer used as a condition variable is signalled.
asio::awaitable<void> signalled(asio::steady_timer& signal, int n) {
  for (int i = 0; i < n; ++i) {
    boost::system::error_code ec;
    co_await signal.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

/// Signals `signal` `n` times, 1 ms apart.
asio::awaitable<void> signaller(asio::steady_timer& signal, int n) {
  asio::steady_timer pause(co_await asio::this_coro::executor);
  for (int i = 0; i < n; ++i) {
    pause.expires_after(1ms);
    co_await pause.async_wait(asio::use_awaitable);
    signal.cancel_one();
  }
}

/// Waits `n` times on a timer of 1 ms, on the executor it was spawned on.
asio::awaitable<void> sleeper(int n) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0; i < n; ++i) {
    timer.expires_after(1ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

/// Reads `n` times from a socket on which nothing arrives: another task's cancels and
/// close wake it, as a session's writer closes the socket its reader waits on.
asio::awaitable<void> reader(asio::local::stream_protocol::socket& socket, int n) {
  char byte;
  for (int i = 0; i < n; ++i) {
    boost::system::error_code ec;
    co_await socket.async_read_some(asio::buffer(&byte, 1), asio::redirect_error(asio::use_awaitable, ec));
  }
}

/// Cancels `socket`'s operations `n - 1` times, then closes it, 1 ms apart.
asio::awaitable<void> closer(asio::local::stream_protocol::socket& socket, int n) {
  asio::steady_timer pause(co_await asio::this_coro::executor);
  for (int i = 0; i < n; ++i) {
    pause.expires_after(1ms);
    co_await pause.async_wait(asio::use_awaitable);
    if (i + 1 < n)
      socket.cancel();
    else
      socket.close();
  }
}

// An event of the kind services write for themselves: a waiter parks its completion
// handler, the setter posts every parked one.
struct parked_handlers {
  std::vector<asio::any_completion_handler<void()>> waiters;

  auto async_wait() {
    return asio::async_initiate<const asio::use_awaitable_t<>, void()>(
        [this](auto handler) { waiters.emplace_back(std::move(handler)); }, asio::use_awaitable);
  }
  void set(asio::io_context& io) {
    for (auto& handler : waiters) asio::post(io, std::move(handler));
    waiters.clear();
  }
};

asio::awaitable<void> parked(parked_handlers& event, int n) {
  for (int i = 0; i < n; ++i) co_await event.async_wait();
}

asio::awaitable<void> setter(asio::io_context& io, parked_handlers& event, int n, int& polls) {
  ++polls;
  for (int i = 0; i < n; ++i) {
    while (event.waiters.empty()) {
      co_await asio::post(asio::use_awaitable);
      ++polls;
    }
    event.set(io);
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

/// CLOCK_MONOTONIC in ns, the timeline's clock.
std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

/// The flows in a written trace from the waker track's "wake <wakee>" instants to polls on
/// the wakee's track. Each such instant must sit inside a poll of the waker and start one
/// flow.
std::size_t wake_flows(const coroscope::test::trace_view& view, const std::string& waker,
                       const std::string& wakee) {
  const auto polls = view.slices_of(wakee);
  std::size_t flows = 0;
  for (const auto& instant : view.instants_of(waker)) {
    if (instant.name != "wake " + wakee) continue;
    EXPECT_EQ(instant.depth, 1u) << "inside a poll of " << waker;
    EXPECT_EQ(instant.flows_out.size(), 1u);
    flows += std::count_if(polls.begin(), polls.end(),
                           [&](const auto& p) { return p.flows_in == instant.flows_out; });
  }
  return flows;
}

std::size_t polls_of(const coroscope::timeline& t, std::uint64_t task) {
  return static_cast<std::size_t>(std::count_if(t.polls.begin(), t.polls.end(),
                                                [&](const auto& p) { return p.task_id == task; }));
}

}  // namespace

TEST(FlightRecorder, OffByDefaultCostsNothingAndSaysSo) {
  asio::io_context io;
  coroscope::probe probe{io, {.read_environment = false}};
  coroscope::test::run_task(probe, "work", yielder(3));
  EXPECT_FALSE(probe.trace_window().has_value());
  coroscope::test::temp_dir dir;
  EXPECT_FALSE(probe.write_trace((dir.path() / "t.perfetto-trace").string()));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "t.perfetto-trace"));
  EXPECT_EQ(probe.options().timing_interval, 0u);
  EXPECT_EQ(probe.snapshot().self.recorder_bytes, 0u);
}

TEST(FlightRecorder, PingPongOnTwoWorkersDecodesAsScheduled) {
  asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "30s", .read_environment = false}};
  coroscope::test::run_task(probe, "pingpong", pingpong(probe), 2);
  const coroscope::snapshot s = probe.snapshot();
  const auto* parent = find_task(s, "pingpong");
  const auto* ping = find_task(s, "ping");
  const auto* pong = find_task(s, "pong");
  ASSERT_TRUE(parent && ping && pong);
  ASSERT_EQ(ping->polls, kTicks + 1u);
  ASSERT_EQ(pong->polls, kTicks + 1u);

  // The window: every poll of every task (the recorder times all of them), on the two
  // workers, with the tasks' parents.
  const std::optional<coroscope::timeline> window = probe.trace_window();
  ASSERT_TRUE(window);
  EXPECT_EQ(window->dropped_events, 0u);
  EXPECT_EQ(polls_of(*window, ping->id), ping->polls);
  EXPECT_EQ(polls_of(*window, pong->id), pong->polls);
  EXPECT_EQ(polls_of(*window, parent->id), parent->polls);
  // A child's first poll runs inline inside its parent's (co_spawn dispatches): it is
  // there, nested in a poll of the parent on the same worker.
  for (const auto* child : {ping, pong}) {
    const auto first = *std::min_element(
        window->polls.begin(), window->polls.end(), [&](const auto& a, const auto& b) {
          return (a.task_id == child->id ? a.begin_ns : ~0ull) < (b.task_id == child->id ? b.begin_ns : ~0ull);
        });
    EXPECT_TRUE(std::any_of(window->polls.begin(), window->polls.end(), [&](const auto& p) {
      return p.task_id == parent->id && p.worker == first.worker && p.begin_ns <= first.begin_ns &&
             first.end_ns <= p.end_ns;
    })) << child->name;
  }
  std::map<std::uint64_t, std::uint64_t> parents;
  for (const auto& t : window->tasks) parents[t.id] = t.parent_id;
  EXPECT_EQ(parents[ping->id], parent->id);
  EXPECT_EQ(parents[pong->id], parent->id);
  ASSERT_EQ(window->workers.size(), 2u);
  for (const auto& p : window->polls) EXPECT_LT(p.worker, 2u);
  // Every timer wait but the first poll's is a wake by a timer.
  std::size_t timer_wakes = 0;
  for (const auto& w : window->wakes)
    if (w.task_id == ping->id && w.waker == coroscope::timeline::waker_kind::timer) ++timer_wakes;
  EXPECT_EQ(timer_wakes, static_cast<std::size_t>(kTicks));

  // The trace as written.
  coroscope::test::temp_dir dir;
  const auto path = dir.path() / "pingpong.perfetto-trace";
  ASSERT_TRUE(probe.write_trace(path.string()));
  coroscope::test::trace_view view(read_file(path));
  for (const auto* task : {ping, pong}) {
    const std::string label = task->name + " #" + std::to_string(task->id);
    SCOPED_TRACE(label);
    const auto polls = view.slices_of(label);
    ASSERT_EQ(polls.size(), task->polls);
    for (std::size_t i = 1; i < polls.size(); ++i)
      EXPECT_GE(polls[i].begin_ns, polls[i - 1].end_ns) << "polls of one task follow each other";
    // Its task track sits under its parent's.
    const auto& track = view.tracks.at(view.track(label));
    EXPECT_EQ(track.parent_uuid(), view.track("pingpong #" + std::to_string(parent->id)));
    // The timed awaits sit between its polls: each ends where a poll begins.
    const auto awaits = view.slices_of(label + " timed awaits");
    EXPECT_GE(awaits.size(), 1u);
    for (const auto& a : awaits) {
      EXPECT_EQ(a.name, "tick");
      EXPECT_TRUE(std::any_of(polls.begin(), polls.end(),
                              [&](const auto& p) { return p.begin_ns == a.end_ns; }));
    }
    EXPECT_EQ(view.instants_of(label).size(), static_cast<std::size_t>(kTicks))
        << "a 'woken by timer' instant per timer";
    for (const auto& instant : view.instants_of(label)) EXPECT_EQ(instant.name, "woken by timer");
  }
  // The workers waited for the timers: parks, between their polls. Each worker that
  // parked has its parks in the window. Not every worker need have parked: on a loaded
  // machine one can be off the CPU through every idle moment and always find work.
  std::uint64_t parked_workers = 0;
  for (const auto& sw : s.workers) {
    if (sw.parks == 0) continue;
    ++parked_workers;
    EXPECT_TRUE(std::any_of(window->parks.begin(), window->parks.end(), [&](const auto& p) {
      return p.worker == sw.index && p.end_ns > p.begin_ns;
    })) << "worker " << sw.index << " parked " << sw.parks << " times";
  }
  EXPECT_GE(parked_workers, 1u);
  // The worker tracks hold every poll, named by task.
  std::size_t on_workers = 0;
  for (const auto& w : window->workers) {
    EXPECT_FALSE(w.thread_name.empty()) << "worker " << w.index;
    const std::string track = w.thread_name.empty() ? "worker " + std::to_string(w.index) : w.thread_name;
    for (const auto& slice : view.slices_of(track)) on_workers += slice.name != "parked";
  }
  EXPECT_EQ(on_workers, window->polls.size());
}

TEST(FlightRecorder, AChannelSendIsAWakeByTheSendingTask) {
  // Plain co_spawn on the io_context: the consumer waits first, so each send finds it
  // waiting and makes it runnable; the close wakes it once more.
  constexpr int kSends = 5;
  asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "30s", .read_environment = false}};
  int_channel ch{io};
  asio::co_spawn(io, consumer(ch), asio::detached);
  asio::co_spawn(io, producer(ch, kSends), asio::detached);
  io.run();
  const coroscope::snapshot s = probe.snapshot();
  const auto* consuming = find_task(s, "consumer");
  const auto* producing = find_task(s, "producer");
  ASSERT_TRUE(consuming && producing);
  // The consumer: its first poll, one per value and one for the close. The invocations in
  // the producer's polls that only handed its continuation to the io_context are wakes,
  // not polls.
  EXPECT_EQ(consuming->polls, kSends + 2u);

  const std::optional<coroscope::timeline> window = probe.trace_window();
  ASSERT_TRUE(window);
  EXPECT_EQ(polls_of(*window, consuming->id), consuming->polls);
  EXPECT_EQ(polls_of(*window, producing->id), producing->polls);
  std::size_t by_producer = 0;
  for (const auto& w : window->wakes) {
    if (w.task_id != consuming->id) continue;
    EXPECT_EQ(w.waker, coroscope::timeline::waker_kind::task);
    EXPECT_EQ(w.waker_task_id, producing->id);
    by_producer += w.waker_task_id == producing->id;
  }
  EXPECT_EQ(by_producer, kSends + 1u) << "each send and the close";

  // In the file: each wake is an instant on the producer's track, inside its poll, with a
  // flow to the consumer's next poll.
  coroscope::test::trace_view view(coroscope::encode_perfetto(*window));
  EXPECT_EQ(wake_flows(view, "producer #" + std::to_string(producing->id),
                       "consumer #" + std::to_string(consuming->id)),
            kSends + 1u);
}

TEST(FlightRecorder, AHandlerPostedByAnotherTaskIsAWakeByThatTask) {
  constexpr int kSets = 4;
  asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "30s", .read_environment = false}};
  parked_handlers event;
  int setter_polls = 0;
  asio::co_spawn(io, parked(event, kSets), asio::detached);
  asio::co_spawn(io, setter(io, event, kSets, setter_polls), asio::detached);
  io.run();
  const coroscope::snapshot s = probe.snapshot();
  const auto* waiting = find_task(s, "parked");  // named, though it starts no operation
  const auto* setting = find_task(s, "setter");
  ASSERT_TRUE(waiting && setting);
  // Each resumption of the waiter is its own poll, not the setter's.
  EXPECT_EQ(waiting->polls, kSets + 1u);
  EXPECT_EQ(setting->polls, static_cast<std::uint64_t>(setter_polls));
  const std::optional<coroscope::timeline> window = probe.trace_window();
  ASSERT_TRUE(window);
  EXPECT_EQ(polls_of(*window, waiting->id), waiting->polls);
  std::size_t by_setter = 0;
  for (const auto& w : window->wakes) {
    if (w.task_id != waiting->id) continue;
    EXPECT_EQ(w.waker, coroscope::timeline::waker_kind::task);
    by_setter += w.waker_task_id == setting->id;
  }
  EXPECT_EQ(by_setter, static_cast<std::size_t>(kSets));
  // Each wake is an instant inside one of the setter's polls, flowing to the waiter.
  coroscope::test::trace_view view(coroscope::encode_perfetto(*window));
  EXPECT_EQ(wake_flows(view, "setter #" + std::to_string(setting->id),
                       "parked #" + std::to_string(waiting->id)),
            static_cast<std::size_t>(kSets));
}

TEST(FlightRecorder, ATimerCancelledByAnotherTaskIsAWakeByThatTask) {
  // One thread: the waiter waits again long before the signaller's next 1 ms pause ends.
  constexpr int kSignals = 4;
  asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "30s", .read_environment = false}};
  asio::steady_timer signal{io, asio::steady_timer::time_point::max()};
  asio::co_spawn(io, signalled(signal, kSignals), asio::detached);
  asio::co_spawn(io, signaller(signal, kSignals), asio::detached);
  io.run();
  const coroscope::snapshot s = probe.snapshot();
  const auto* waiting = find_task(s, "signalled");
  const auto* signalling = find_task(s, "signaller");
  ASSERT_TRUE(waiting && signalling);

  const std::optional<coroscope::timeline> window = probe.trace_window();
  ASSERT_TRUE(window);
  std::size_t by_signaller = 0, by_timer = 0;
  for (const auto& w : window->wakes) {
    if (w.task_id == waiting->id) {
      EXPECT_EQ(w.waker, coroscope::timeline::waker_kind::task) << "not its timer";
      by_signaller += w.waker_task_id == signalling->id;
    }
    by_timer += w.task_id == signalling->id && w.waker == coroscope::timeline::waker_kind::timer;
  }
  EXPECT_EQ(by_signaller, static_cast<std::size_t>(kSignals));
  EXPECT_EQ(by_timer, static_cast<std::size_t>(kSignals)) << "the signaller's pauses";
  // Each wake is inside the signaller's poll and ends at the waiter's next poll.
  coroscope::test::trace_view view(coroscope::encode_perfetto(*window));
  EXPECT_EQ(wake_flows(view, "signaller #" + std::to_string(signalling->id),
                       "signalled #" + std::to_string(waiting->id)),
            static_cast<std::size_t>(kSignals));
}

TEST(FlightRecorder, ASocketCancelledOrClosedByAnotherTaskIsAWakeByThatTask) {
  // One thread: the reader reads again long before the closer's next 1 ms pause ends.
  constexpr int kWakes = 4;  // three cancels, then the close
  asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "30s", .read_environment = false}};
  asio::local::stream_protocol::socket ours{io}, peer{io};
  asio::local::connect_pair(ours, peer);
  asio::co_spawn(io, reader(ours, kWakes), asio::detached);
  asio::co_spawn(io, closer(ours, kWakes), asio::detached);
  io.run();
  const coroscope::snapshot s = probe.snapshot();
  const auto* reading = find_task(s, "reader");
  const auto* closing = find_task(s, "closer");
  ASSERT_TRUE(reading && closing);
  EXPECT_EQ(reading->state, coroscope::task_state::completed) << "every read was woken";

  const std::optional<coroscope::timeline> window = probe.trace_window();
  ASSERT_TRUE(window);
  std::size_t by_closer = 0;
  for (const auto& w : window->wakes)
    if (w.task_id == reading->id) {
      EXPECT_EQ(w.waker, coroscope::timeline::waker_kind::task) << "not its socket";
      by_closer += w.waker_task_id == closing->id;
    }
  EXPECT_EQ(by_closer, static_cast<std::size_t>(kWakes));
  coroscope::test::trace_view view(coroscope::encode_perfetto(*window));
  EXPECT_EQ(wake_flows(view, "closer #" + std::to_string(closing->id),
                       "reader #" + std::to_string(reading->id)),
            static_cast<std::size_t>(kWakes));
}

TEST(FlightRecorder, ATaskOnAStrandIsWokenByItsTimerNotByTheStrand) {
  // A strand per connection, as Beast's examples do: each completion's continuation goes
  // through the strand's queue, a post, before the coroutine runs.
  constexpr int kWaits = 3;
  asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "30s", .read_environment = false}};
  asio::co_spawn(asio::make_strand(io), sleeper(kWaits), asio::detached);
  io.run();
  const coroscope::snapshot s = probe.snapshot();
  const auto* sleeping = find_task(s, "sleeper");
  ASSERT_TRUE(sleeping);
  const std::optional<coroscope::timeline> window = probe.trace_window();
  ASSERT_TRUE(window);
  std::size_t by_timer = 0;
  for (const auto& w : window->wakes)
    by_timer += w.task_id == sleeping->id && w.waker == coroscope::timeline::waker_kind::timer;
  EXPECT_EQ(by_timer, static_cast<std::size_t>(kWaits));
  // Each wait is measured, from the wait's start to the poll after the strand's hop.
  const auto kind = std::find_if(s.operation_kinds.begin(), s.operation_kinds.end(),
                                 [](const auto& k) { return k.kind == "timer_wait"; });
  ASSERT_NE(kind, s.operation_kinds.end());
  EXPECT_EQ(kind->waits.count, static_cast<std::uint64_t>(kWaits));
  // The timer's expiry is set before its wait starts, so a wait preempted in between (under
  // a sanitizer, on a loaded machine) reads a little under 1 ms: 945 us was seen. The bug
  // this guards, a wait measured from the strand's hop only, reads microseconds.
  EXPECT_GE(kind->waits.min, 500us);
}

TEST(FlightRecorder, AWorkerThatHasExitedKeepsItsName) {
  // The collector drains once in ten seconds, so the thread has exited long before its
  // start is read: its name must have been kept then, not looked up in /proc later.
  asio::io_context io;
  coroscope::probe probe{io, {.collect_interval = 10s, .flight_recorder = "30s",
                              .read_environment = false}};
  asio::co_spawn(probe.executor("work"), yielder(3), asio::detached);
  std::thread runner([&] {
    pthread_setname_np(pthread_self(), "own-runner");
    io.run();
  });
  runner.join();
  const std::optional<coroscope::timeline> window = probe.trace_window();
  ASSERT_TRUE(window);
  ASSERT_EQ(window->workers.size(), 1u);
  EXPECT_EQ(window->workers[0].thread_name, "own-runner");
}

TEST(FlightRecorder, CountersShowTheWorkersBusyRatioAndQueue) {
  asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "30s", .read_environment = false}};
  // Posts to itself, so one task is always queued between its polls.
  coroscope::test::run_task(probe, "busy", yielder(2000));
  const std::optional<coroscope::timeline> window = probe.trace_window();
  ASSERT_TRUE(window);
  double busiest = 0, deepest = 0;
  for (const auto& c : window->counters) {
    EXPECT_EQ(c.worker, 0u);
    EXPECT_GE(c.time_ns, window->begin_ns);
    EXPECT_LE(c.time_ns, window->end_ns);
    if (c.kind == coroscope::timeline::counter_kind::busy_ratio) {
      EXPECT_GE(c.value, 0.0);
      EXPECT_LE(c.value, 1.0);
      busiest = std::max(busiest, c.value);
    } else {
      deepest = std::max(deepest, c.value);
    }
  }
  EXPECT_GT(busiest, 0.0);
  EXPECT_EQ(deepest, 1.0) << "it alone was queued, once at a time";
  // In the file: the worker's two counter tracks, with every point.
  coroscope::test::trace_view view(coroscope::encode_perfetto(*window));
  const std::string worker = window->workers.at(0).thread_name;
  EXPECT_EQ(view.counters[view.track(worker + " busy ratio")].size() +
                view.counters[view.track(worker + " queue depth")].size(),
            window->counters.size());
}

TEST(FlightRecorder, TimeBoundEvictsOldEvents) {
  asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "50ms", .read_environment = false}};
  // "early" yields, then a timer of 200 ms, then "late" yields: by the end "early"'s
  // polls are far older than the newest event minus 50 ms.
  coroscope::test::run_task(probe, "main", [](coroscope::probe& p) -> asio::awaitable<void> {
    asio::co_spawn(p.executor("early"), yielder(20), asio::detached);
    asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
    co_await timer.async_wait(asio::use_awaitable);
    asio::co_spawn(p.executor("late"), yielder(20), asio::detached);
  }(probe));
  const coroscope::snapshot s = probe.snapshot();
  const std::optional<coroscope::timeline> window = probe.trace_window();
  ASSERT_TRUE(window);
  EXPECT_EQ(polls_of(*window, find_task(s, "early")->id), 0u);
  EXPECT_EQ(polls_of(*window, find_task(s, "late")->id), 21u);
  EXPECT_EQ(window->dropped_events, 0u) << "evicted by time is not lost";
}

TEST(FlightRecorder, ByteBoundKeepsTheNewestAndCountsTheRest) {
  asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "64KiB", .read_environment = false}};
  constexpr int kYields = 10'000;
  // When the busy task is half way: the kept polls, fewer than half, all begin after it.
  std::uint64_t half_way_ns = 0;
  coroscope::test::run_task(probe, "busy", [](std::uint64_t& half_way) -> asio::awaitable<void> {
    for (int i = 0; i < kYields; ++i) {
      if (i == kYields / 2) half_way = now_ns();
      co_await coroscope::test::yield_once();
    }
  }(half_way_ns));
  const coroscope::snapshot s = probe.snapshot();
  const std::uint64_t id = find_task(s, "busy")->id;
  // coroscope's own cost shows the window's memory: full, so near its bound, never above.
  EXPECT_GT(s.self.recorder_bytes, 32u * 1024);
  EXPECT_LE(s.self.recorder_bytes, 64u * 1024);
  const std::optional<coroscope::timeline> window = probe.trace_window();
  ASSERT_TRUE(window);
  const std::size_t kept = polls_of(*window, id);
  EXPECT_GT(kept, 100u);
  EXPECT_LT(kept, 64u * 1024 / 32);  // entries are at least 32 bytes
  // Every poll is kept or counted (ring drops count too, so at least).
  EXPECT_GE(kept + window->dropped_events, kYields + 1u);
  // The byte bound's losses are in coroscope's own cost too (ring drops only in the file's).
  EXPECT_GT(s.self.recorder_lost_events, 0u);
  EXPECT_LE(s.self.recorder_lost_events, window->dropped_events);
  // The newest are the ones kept: the oldest would start the window before half way.
  ASSERT_LT(kept, kYields / 2u);
  EXPECT_GT(window->begin_ns, half_way_ns) << "kept " << kept << " of " << kYields << " polls";
  // The drops are in the file.
  coroscope::test::trace_view view(coroscope::encode_perfetto(*window));
  bool found = false;
  for (const auto& [uuid, slices] : view.slices)
    for (const auto& slice : slices)
      if (slice.name == "recording window") {
        found = true;
        EXPECT_EQ(coroscope::test::annotation(slice, "dropped_events"),
                  std::to_string(window->dropped_events));
      }
  EXPECT_TRUE(found);
}

TEST(FlightRecorder, LastSecondsOfTheWindow) {
  asio::io_context io;
  coroscope::probe probe{io, {.flight_recorder = "30s", .read_environment = false}};
  coroscope::test::run_task(probe, "work", yielder(10));
  const auto all = probe.trace_window();
  const auto last = probe.trace_window(1h);
  ASSERT_TRUE(all && last);
  EXPECT_EQ(all->polls.size(), last->polls.size());
}

TEST(FlightRecorder, HttpEndpoint) {
  asio::io_context io;
  coroscope::probe probe{io, {.http_address = "127.0.0.1:0", .flight_recorder = "30s",
                              .read_environment = false}};
  ASSERT_NE(probe.http_port(), 0);
  coroscope::test::run_task(probe, "work", yielder(10));
  const std::uint64_t id = find_task(probe.snapshot(), "work")->id;
  auto res = coroscope::test::http_get(probe.http_port(), "/debug/coroscope/trace?seconds=60");
  ASSERT_EQ(res.result_int(), 200) << res.body();
  EXPECT_EQ(res[boost::beast::http::field::content_type], "application/octet-stream");
  coroscope::test::trace_view view(res.body());
  EXPECT_EQ(view.slices_of("work #" + std::to_string(id)).size(), 11u);
  for (const std::string bad : {"0", "abc", "-1", "999999999"}) {
    res = coroscope::test::http_get(probe.http_port(), "/debug/coroscope/trace?seconds=" + bad);
    EXPECT_EQ(res.result_int(), 400) << bad;
    EXPECT_NE(res.body().find("seconds"), std::string::npos) << res.body();
  }
}

TEST(FlightRecorder, HttpEndpointWhenOff) {
  asio::io_context io;
  coroscope::probe probe{io, {.http_address = "127.0.0.1:0", .read_environment = false}};
  ASSERT_NE(probe.http_port(), 0);
  const auto res = coroscope::test::http_get(probe.http_port(), "/debug/coroscope/trace");
  EXPECT_EQ(res.result_int(), 404);
  EXPECT_NE(res.body().find("COROSCOPE_FLIGHT_RECORDER"), std::string::npos) << res.body();
}
