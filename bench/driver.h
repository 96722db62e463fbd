// SPDX-License-Identifier: BSD-3-Clause
// simdgrad_bench's shared declarations: the inputs, the clock, the
// registration helpers and the set table that bench/driver.cc (options,
// context, reporters, main) and each set (bench/set_<name>.cc) share, and the
// machine probes of bench/probes.cc.
#ifndef SG_BENCH_DRIVER_H
#define SG_BENCH_DRIVER_H

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "bench.h"
#include "simdgrad.h"

#if defined(__x86_64__) || defined(__i386__)
#define SG_BENCH_X86 1
#endif

namespace sgbench {

// ---- inputs ------------------------------------------------------------------

// The element counts of the elementwise set: L1-resident and DRAM-resident
// (make bench), and with --full every power of 4 from 2^10 (4 KiB a
// array: L1) to 2^26 (256 MiB: DRAM), through L2 and L3.
const int64_t kSmall = 4096;
const int64_t kLarge = int64_t(1) << 24;
extern bool g_full;  // --full

std::vector<int64_t> elementwise_sizes();

// The core clock in Hz (0 if unknown), measured once at start-up by the
// add-chain probe: turns a rate into the cycles_per_element counter.
extern double g_clock_hz;

// cycles_per_element = clock x time / elements (Google Benchmark divides the
// value by the time for kIsRate and inverts it for kInvert).
void set_cycles_counter(benchmark::State &state, double elements);

struct Buffers {
  float *x = nullptr, *y = nullptr, *dy = nullptr;
};

// xorshift64* from `seed`: one 24-bit random number per call.
struct Rng {
  uint64_t s;
  uint32_t next24() {
    s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
    return uint32_t((s * 0x2545f4914f6cdd1du) >> 40);
  }
};

void fill_uniform(float *x, size_t n, uint64_t seed, float lo, float hi);

// Zeroed, page-aligned, whole pages (so every page is mapped before timing).
void *alloc_pages(size_t bytes);

// The input, a second input for the backward kernels and the output array of
// one size, shared by every benchmark of that size: x uniform in [-10, 10]
// and dy in [-1, 1] from fixed seeds, y written once so its pages are mapped
// before any timing.
Buffers buffers(size_t n);

// "256x10": a rows x cols (or m x n) shape in a benchmark's name.
std::string shape_name(size_t rows, size_t cols);

// Element-wise job over n floats: 4 bytes read and 4 written per element
// (a backward kernel reads 4 more).
void set_elementwise_counters(benchmark::State &state, size_t n, int64_t bytes_per_element = 8);

template <class F>
void run_elementwise(benchmark::State &state, F &&f) {
  size_t n = size_t(state.range(0));
  Buffers b = buffers(n);
  f(n, b.x, b.y);  // warm-up: caches, TLB, lazy initialisation
  for (auto _ : state) {
    f(n, b.x, b.y);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(b.y[n - 1]);
  set_elementwise_counters(state, n);
}

// The same for a backward kernel f(n, y, dy, dx): y is x, dy the second input.
template <class F>
void run_elementwise2(benchmark::State &state, F &&f) {
  size_t n = size_t(state.range(0));
  Buffers b = buffers(n);
  f(n, b.x, b.dy, b.y);  // warm-up
  for (auto _ : state) {
    f(n, b.x, b.dy, b.y);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(b.y[n - 1]);
  set_elementwise_counters(state, n, 12);
}

// Forces isa for one benchmark (before: the ISA to restore afterwards); false,
// with the benchmark marked skipped, when this CPU or build cannot run it.
bool force_isa(benchmark::State &state, sg_isa isa, sg_isa *before);

// ---- peers -----------------------------------------------------------------------

#ifdef SG_BENCH_XNNPACK
// Times an XNNPACK operator that create and setup left in op (err: their
// error, if any), after one warm-up run; false when it could not run.
bool run_xnn(benchmark::State &state, void *op, const char *err);
#endif

#ifdef SG_BENCH_ONEDNN
// Times one oneDNN job made by create (nullptr and its error if it failed),
// after one warm-up run; the label is the implementation oneDNN ran.
bool run_dnnl(benchmark::State &state, bench_dnnl_op *job, const char *err);
#endif

// oneDNN's version and thread count in the context, once per run (both the
// softmax and the dense set want them); false, with the reason in the
// context, when oneDNN does not start.
bool add_onednn_common_context();

// ---- probes: what bounds the kernels (bench/probes.cc) ----------------------------

void bm_stream_copy(benchmark::State &state);
void bm_sigmoid_latency(benchmark::State &state, sg_isa isa);
void bm_divps(benchmark::State &state, sg_isa isa);
void bm_cpu_clock(benchmark::State &state);
void bm_fma_peak(benchmark::State &state, sg_isa isa);

// ---- registration ------------------------------------------------------------------

std::vector<sg_isa> isas_of_this_arch();

// Every benchmark instance registered (one per name: sizes are registered
// one by one), so the progress line can say how many are left.
extern int g_registered;
extern bool g_filtered;  // --benchmark_filter given: the total is not known

template <class... Args>
benchmark::internal::Benchmark *add(const std::string &name, Args &&...args) {
  g_registered++;
  return benchmark::RegisterBenchmark(name.c_str(), std::forward<Args>(args)...);
}

// The clock probe, registered once even when several sets ask for it.
void register_cpu_clock();

// ---- the sets ------------------------------------------------------------------------

// What the summaries read of the finished run (the console reporter holds it).
class Results {
 public:
  // A benchmark's rate: its median when repetitions give one, else its runs'
  // median; 0 when it was not measured (skipped, failed or filtered out).
  virtual double get(const std::string &name) const = 0;
  // Whether any benchmark whose name starts with prefix ran.
  virtual bool ran(const std::string &prefix) const = 0;
  // A benchmark's label (oneDNN's implementation), empty if it has none.
  virtual std::string label(const std::string &name) const = 0;

 protected:
  ~Results() = default;
};

// The best ISA of kernel at shape sn (benchmarks <kernel>/<isa>/<sn>): its
// rate, its name in isa_out.
double best_of(const Results &r, const std::string &kernel, const std::string &sn, std::string *isa_out);

// A benchmark set (--set=NAME; one JSON file each under make bench).
struct BenchSet {
  const char *name;
  void (*register_set)();
  // The set's lines of the summary at the end of the console output (ghz:
  // the measured core clock in GHz, 0 if unknown).
  void (*summary)(const Results &results, std::FILE *out, double ghz);
  bool (*ran)(const Results &results);  // whether the summary has anything to say
  double (*memory)();                   // bytes of arrays it holds at once (sizes_fit)
};

// bench/set_elementwise.cc, bench/set_softmax.cc, bench/set_dense.cc;
// bench/set_threads.cc (the scaling with the thread count)
extern const BenchSet kElementwiseSet, kSoftmaxSet, kDenseSet, kThreadsSet;

// ---- threads ----------------------------------------------------------------------
// Every set but threads compares single threads: main sets simdgrad,
// OpenBLAS and oneDNN's OpenMP to one thread. The threads set runs each
// library on T threads for one benchmark (ThreadsFor, then one again), T
// from thread_counts(): 1, 2, 4, ... up to the CPUs this process may use,
// and that count itself. Its benchmarks are named
// threads/<library>/<kernel>/<T>/<size> (library: simdgrad, onednn,
// openblas, memcpy; simdgrad runs its best ISA), timed by the wall clock
// (UseRealTime: the calling thread's CPU time misses the others' work).
std::vector<int> thread_counts();
struct ThreadsFor {
  explicit ThreadsFor(int threads);
  ~ThreadsFor();
};
// The threads set's benchmarks of each set's kernels.
void register_elementwise_threads();
void register_softmax_threads();
void register_dense_threads();

}  // namespace sgbench

#endif  // SG_BENCH_DRIVER_H
