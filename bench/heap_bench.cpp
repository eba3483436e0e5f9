// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Heap sampler overhead. Built twice from this file: heap_bench (links coroscope::heap and
// samples at 512 KiB) and heap_bench_plain (glibc's malloc, nothing of coroscope). Run
// heap_bench: it runs itself and heap_bench_plain as children, alternating, and prints
// the median of each and the ratio hooked/plain.
//
//   alloc:    N threads, each allocating small blocks (16..271 bytes, operator new) into a
//             ring of 64 and freeing the block it replaces, for a fixed count: allocations
//             per CPU second of the process.
//   fastpath: one thread, malloc(32) + free in a loop: CPU ns per pair; the difference
//             between hooked and plain is what the unsampled path adds per allocation + free.
// CPU time rather than wall time, so that other load on the machine does not decide.
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#if COROSCOPE_HEAP_BENCH_HOOKED
#include <coroscope/heap.hpp>
#endif

namespace {

// CPU time, not wall time: the figures stay meaningful on a loaded machine.
double cpu_seconds(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void escape(void* p) { asm volatile("" : : "g"(p) : "memory"); }

// Allocations per CPU second over all threads.
double run_alloc(int threads, long per_thread) {
  std::vector<std::thread> workers;
  const double start = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([per_thread, t] {
      char* ring[64] = {};
      unsigned x = 2463534242u + static_cast<unsigned>(t);
      for (long i = 0; i < per_thread; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        char*& slot = ring[i & 63];
        delete[] slot;
        slot = new char[16 + (x & 255)];
        escape(slot);
      }
      for (char* p : ring) delete[] p;
    });
  }
  for (auto& w : workers) w.join();
  const double seconds = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - start;
  return static_cast<double>(threads) * static_cast<double>(per_thread) / seconds;
}

// CPU nanoseconds per malloc + free.
double run_fastpath(long pairs) {
  const double start = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
  for (long i = 0; i < pairs; ++i) {
    void* p = std::malloc(32);
    escape(p);
    std::free(p);
  }
  return (cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - start) * 1e9 / static_cast<double>(pairs);
}

#if COROSCOPE_HEAP_BENCH_HOOKED
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Runs one child round and parses "alloc <rate>\nfastpath <ns>\n".
bool run_child(const std::string& exe, int threads, long per_thread, long pairs, double& rate, double& ns) {
  const std::string command = "'" + exe + "' --child --threads " + std::to_string(threads) + " --per-thread " +
                              std::to_string(per_thread) + " --pairs " + std::to_string(pairs);
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return false;
  const int fields = std::fscanf(pipe, "alloc %lf\nfastpath %lf\n", &rate, &ns);
  return ::pclose(pipe) == 0 && fields == 2;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"coroscope heap sampler overhead: hooked (512 KiB sampling) vs glibc malloc"};
  int rounds = 5, threads = 4;
  long per_thread = 5'000'000, pairs = 50'000'000;
  bool child = false;
  app.add_option("--rounds", rounds, "alternating plain/hooked rounds")->check(CLI::Range(1, 100));
  app.add_option("--threads", threads, "allocating threads")->check(CLI::Range(1, 256));
  app.add_option("--per-thread", per_thread, "allocations per thread")->check(CLI::Range(1000L, 1'000'000'000L));
  app.add_option("--pairs", pairs, "malloc+free pairs of the fast-path loop")->check(CLI::Range(1000L, 1'000'000'000L));
  app.add_flag("--child", child, "run one round in this process and print its figures");
  CLI11_PARSE(app, argc, argv);

  if (child) {
#if COROSCOPE_HEAP_BENCH_HOOKED
    coroscope::heap::start(coroscope::heap::options_from_environment());
#endif
    const double rate = run_alloc(threads, per_thread);
    const double ns = run_fastpath(pairs);
    std::printf("alloc %.0f\nfastpath %.3f\n", rate, ns);
    return 0;
  }
#if !COROSCOPE_HEAP_BENCH_HOOKED
  std::fprintf(stderr, "run heap_bench (the hooked build); it runs this one as the baseline\n");
  return 2;
#else
  // The hooked child is this program (read the link here: in the child's shell it is sh).
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::vector<double> plain_rate, hooked_rate, plain_ns, hooked_ns;
  for (int r = 0; r < rounds; ++r) {
    double rate = 0, ns = 0;
    if (!run_child(COROSCOPE_HEAP_BENCH_PLAIN, threads, per_thread, pairs, rate, ns)) {
      std::fprintf(stderr, "heap_bench: the plain child failed\n");
      return 1;
    }
    plain_rate.push_back(rate);
    plain_ns.push_back(ns);
    if (!run_child(self, threads, per_thread, pairs, rate, ns)) {
      std::fprintf(stderr, "heap_bench: the hooked child failed\n");
      return 1;
    }
    hooked_rate.push_back(rate);
    hooked_ns.push_back(ns);
  }
  const double pr = median(plain_rate), hr = median(hooked_rate);
  const double pn = median(plain_ns), hn = median(hooked_ns);
  std::printf("alloc    %d threads: plain %12.0f allocs/cpu-s   hooked %12.0f allocs/cpu-s   ratio %.3f\n", threads, pr,
              hr, hr / pr);
  std::printf("fastpath malloc+free: plain %8.2f ns          hooked %8.2f ns          added %.2f ns\n", pn, hn,
              hn - pn);
  return 0;
#endif
}
