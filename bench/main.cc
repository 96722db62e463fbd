// SPDX-License-Identifier: BSD-3-Clause
// simdgrad_bench: the Google Benchmark shim over the C API (README: Speed).
//
// Every simdgrad kernel is measured with each ISA forced through sg_set_isa(),
// next to the peers people use today, in the same run: XNNPACK's operator, a
// SLEEF vector-exp loop, a plain libm loop, and memcpy of the same bytes as the
// bandwidth roof. Counters: items_per_second (elements/s) and bytes_per_second
// (bytes read + written). The JSON context carries the machine (CPU model,
// ISA, compilers, commit) so runs from several machines can be merged.
//
// Benchmark sets, one JSON file each under make bench:
//   elementwise  sigmoid, tanh, relu and their backward kernels against
//             XNNPACK, SLEEF, libm, the compiler's auto-vectorised loop and
//             memcpy; divider/latency/clock probes
//   softmax   softmax, log_softmax, softmax_xent, softmax_backward at 256x10,
//             256x1000, 64x32768, against XNNPACK's softmax and memcpy
//   dense     sg_dense_forward, dW and dX of sg_dense_backward at the MLP's
//             layers 784->100 and 100->10 (batch 1, 32, 256) and at 1024^3,
//             sg_outer at 784x100 and 4096x4096, against single-threaded
//             OpenBLAS (cblas_sgemm, cblas_sger), oneDNN's inner products (in
//             simdgrad's layouts and in the layouts oneDNN picks), XNNPACK's
//             fully-connected operator (forward) and the core's FMA peak
//             (GFLOPs counter)
//
// Options besides Google Benchmark's own (--benchmark_*):
//   --set=NAME          elementwise, softmax, dense or all (the default): the benchmarks registered
//   --full              every size from L1- to DRAM-resident (make bench-full); without it,
//                       one L1 and one DRAM size per kernel (make bench, a few minutes);
//                       in the dense set, --full adds the scalar reference
// Environment: SIMDGRAD_BENCH_MEMORY_MB caps the memory the sizes may take.
//   --cpu-id            print the directory name results of this CPU go in, exit
//   --context=KEY=VAL   add KEY: VAL to the JSON context (make bench passes the commit)
#include <config.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <chrono>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "bench.h"
#include "kernels.h"
#include "simdgrad.h"

namespace {

#if defined(__x86_64__) || defined(__i386__)
#define SG_BENCH_X86 1
#endif

// ---- inputs ------------------------------------------------------------------

// The element counts of the elementwise set: L1-resident and DRAM-resident
// (make bench), and with --full every power of 4 from 2^10 (4 KiB a
// array: L1) to 2^26 (256 MiB: DRAM), through L2 and L3.
const int64_t kSmall = 4096;
const int64_t kLarge = int64_t(1) << 24;
bool g_full = false;

std::vector<int64_t> elementwise_sizes() {
  if (!g_full) return {kSmall, kLarge};
  std::vector<int64_t> v;
  for (int64_t n = int64_t(1) << 10; n <= int64_t(1) << 26; n *= 4) v.push_back(n);
  return v;
}

// The core clock in Hz (0 if unknown), measured once at start-up by the
// add-chain probe: turns a rate into the cycles_per_element counter.
double g_clock_hz = 0;

void measure_clock() {
  uint64_t sink = 1, reps = 1 << 16;
  if (!bench_add_chain(1, &sink)) return;
  bench_add_chain(reps, &sink);  // warm-up: let the clock settle
  double best = 0;
  for (int k = 0; k < 5; k++) {
    auto t0 = std::chrono::steady_clock::now();
    bench_add_chain(reps, &sink);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, double(reps) * 64 / s);
  }
  benchmark::DoNotOptimize(sink);
  g_clock_hz = best;
}

// cycles_per_element = clock x time / elements (Google Benchmark divides the
// value by the time for kIsRate and inverts it for kInvert).
void set_cycles_counter(benchmark::State &state, double elements) {
  if (g_clock_hz > 0)
    state.counters["cycles_per_element"] =
        benchmark::Counter(elements / g_clock_hz, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

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

void fill_uniform(float *x, size_t n, uint64_t seed, float lo, float hi) {
  Rng r{seed};
  for (size_t i = 0; i < n; i++) x[i] = lo + (hi - lo) * (float(r.next24()) * 0x1p-24f);
}

// Zeroed, page-aligned, whole pages (so every page is mapped before timing).
void *alloc_pages(size_t bytes) {
  bytes = (bytes + 4095) / 4096 * 4096;
  void *p = aligned_alloc(4096, bytes ? bytes : 4096);
  if (!p) {
    std::fprintf(stderr, "simdgrad_bench: out of memory for %zu bytes\n", bytes);
    std::exit(1);
  }
  std::memset(p, 0, bytes);
  return p;
}

// The input, a second input for the backward kernels and the output array of
// one size, shared by every benchmark of that size: x uniform in [-10, 10]
// and dy in [-1, 1] from fixed seeds, y written once so its pages are mapped
// before any timing.
Buffers buffers(size_t n) {
  static std::map<size_t, Buffers> cache;
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  size_t bytes = n * sizeof(float);
  Buffers b;
  b.x = static_cast<float *>(alloc_pages(bytes));
  b.y = static_cast<float *>(alloc_pages(bytes));
  b.dy = static_cast<float *>(alloc_pages(bytes));
  fill_uniform(b.x, n, 0x9e3779b97f4a7c15u ^ n, -10.0f, 10.0f);
  fill_uniform(b.dy, n, 0x7f4a7c159e3779b9u ^ n, -1.0f, 1.0f);
  cache.emplace(n, b);
  return b;
}

// Element-wise job over n floats: 4 bytes read and 4 written per element
// (a backward kernel reads 4 more).
void set_elementwise_counters(benchmark::State &state, size_t n, int64_t bytes_per_element = 8) {
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(n) * bytes_per_element);
  set_cycles_counter(state, double(state.iterations()) * double(n));
}

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
bool force_isa(benchmark::State &state, sg_isa isa, sg_isa *before) {
  *before = sg_active_isa();
  if (sg_isa_supported(isa) && sg_set_isa(isa) == 0) return true;
  state.SkipWithError("ISA not supported by this CPU (or not built)");
  return false;
}

// ---- simdgrad ------------------------------------------------------------------

typedef void (*UnaryKernel)(size_t n, const float *x, float *y);
typedef void (*BinaryKernel)(size_t n, const float *a, const float *b, float *out);

// The element-wise kernels of the registry (src/kernels.h), with their peers
// (space-separated benchmark names).
struct MapKernel {
  const char *name;
  UnaryKernel unary;   // MAP1
  BinaryKernel binary; // MAP2
  const char *peers;
};
#define SG_BENCH_MAP1(name, peers) {#name, sg_##name, nullptr, peers},
#define SG_BENCH_MAP2(name, peers) {#name, nullptr, sg_##name, peers},
#define SG_BENCH_ROWS1(name, peers)
#define SG_BENCH_ROWS2(name, peers)
#define SG_BENCH_XENT(name, peers)
#define SG_BENCH_DENSE_FORWARD(name, peers)
#define SG_BENCH_DENSE_BACKWARD(name, peers)
#define SG_BENCH_OUTER(name, peers)
#define SG_BENCH(name, shape, bound, lo, hi, oracle, peers) SG_BENCH_##shape(name, peers)
const MapKernel kMapKernels[] = {SG_KERNELS(SG_BENCH)};
#undef SG_BENCH

std::vector<std::string> split_words(const char *text) {
  std::vector<std::string> words;
  std::string w;
  for (const char *p = text;; p++) {
    if (*p && *p != ' ') {
      w += *p;
      continue;
    }
    if (!w.empty()) words.push_back(w), w.clear();
    if (!*p) return words;
  }
}

// The two sigmoid tiers, for the input_range probe.
const std::pair<const char *, UnaryKernel> kSigmoidTiers[] = {{"sigmoid", sg_sigmoid}, {"sigmoid_fast", sg_sigmoid_fast}};

// An element-wise kernel (sg_sigmoid, sg_tanh_backward, ...) with isa forced.
void bm_unary(benchmark::State &state, sg_isa isa, UnaryKernel f) {
  sg_isa before;
  if (!force_isa(state, isa, &before)) return;
  run_elementwise(state, f);
  sg_set_isa(before);
}

void bm_binary(benchmark::State &state, sg_isa isa, BinaryKernel f) {
  sg_isa before;
  if (!force_isa(state, isa, &before)) return;
  run_elementwise2(state, f);
  sg_set_isa(before);
}

// A sigmoid tier on 4096 inputs from one range, isa forced: the speed beyond
// [-10, 10]. On x86 a vector operation with a subnormal result takes a
// microcode assist (about a hundred cycles), so saturated inputs, x >= 17 or
// -87 <= x <= -60, should run at the usual speed (no intermediate there is
// subnormal) and only x < -87.3 (subnormal results, or 0 past -104) pays it.
void bm_sigmoid_range(benchmark::State &state, sg_isa isa, UnaryKernel f, float lo, float hi) {
  sg_isa before;
  if (!force_isa(state, isa, &before)) return;
  const size_t n = 4096;
  std::vector<float> x(n), y(n);
  fill_uniform(x.data(), n, 0x94d049bb133111ebu, lo, hi);
  f(n, x.data(), y.data());  // warm-up
  for (auto _ : state) {
    f(n, x.data(), y.data());
    benchmark::ClobberMemory();
  }
  sg_set_isa(before);
  set_elementwise_counters(state, n);
}

// ---- peers -----------------------------------------------------------------------

void bm_memcpy(benchmark::State &state) {
  run_elementwise(state, [](size_t n, const float *x, float *y) { std::memcpy(y, x, n * sizeof(float)); });
}

// A peer's element-wise loop (libm, auto-vectorised).
void bm_peer_loop(benchmark::State &state, UnaryKernel f) { run_elementwise(state, f); }

#ifdef SG_BENCH_XNNPACK
// Times an XNNPACK operator that create and setup left in op (err: their
// error, if any), after one warm-up run; false when it could not run.
bool run_xnn(benchmark::State &state, void *op, const char *err) {
  if (!err) err = bench_xnn_run(op);
  if (err) {
    bench_xnn_delete(op);
    state.SkipWithError(err);
    return false;
  }
  for (auto _ : state) {
    bench_xnn_run(op);
    benchmark::ClobberMemory();
  }
  bench_xnn_delete(op);
  return true;
}
#endif

// XNNPACK's sigmoid operator on a batch x channels matrix, no thread pool.
// width 0: one row of n channels; otherwise rows of `width` channels.
void bm_xnnpack_sigmoid(benchmark::State &state, size_t width) {
#ifdef SG_BENCH_XNNPACK
  size_t n = size_t(state.range(0));
  size_t channels = width ? width : n, batch = n / channels;
  Buffers b = buffers(n);
  void *op = nullptr;
  const char *err = bench_xnn_init();
  if (!err) err = bench_xnn_sigmoid_create(channels, &op);
  if (!err) err = bench_xnn_sigmoid_setup(op, batch, b.x, b.y);
  if (!run_xnn(state, op, err)) return;
  set_elementwise_counters(state, n);
#else
  (void)width;
  state.SkipWithError("XNNPACK not found by configure");
#endif
}

#ifdef SG_BENCH_ONEDNN
// Times one oneDNN job made by create (nullptr and its error if it failed),
// after one warm-up run; the label is the implementation oneDNN ran.
bool run_dnnl(benchmark::State &state, bench_dnnl_op *job, const char *err) {
  if (!err) err = bench_dnnl_op_run(job);  // warm-up
  if (err) {
    bench_dnnl_op_destroy(job);
    state.SkipWithError(err);
    return false;
  }
  for (auto _ : state) {
    bench_dnnl_op_run(job);
    benchmark::ClobberMemory();
  }
  state.SetLabel(bench_dnnl_op_label(job));
  bench_dnnl_op_destroy(job);
  return true;
}
#endif

// oneDNN's eltwise logistic or tanh, forward, or backward from the forward's
// output (as simdgrad's backward kernels), one thread.
void bm_onednn_eltwise(benchmark::State &state, bench_eltwise f, bool backward) {
#ifdef SG_BENCH_ONEDNN
  size_t n = size_t(state.range(0));
  Buffers b = buffers(n);
  bench_dnnl_op *job = nullptr;
  const char *err = bench_dnnl_eltwise_create(f, backward, n, b.x, b.dy, b.y, &job);
  if (run_dnnl(state, job, err)) set_elementwise_counters(state, n, backward ? 12 : 8);
#else
  (void)f, (void)backward;
  state.SkipWithError("oneDNN not found by configure");
#endif
}

// The SLEEF peers of the element-wise kernels, on one ISA's vectors: the
// sigmoid built on SLEEF's expf, or SLEEF's tanhf.
enum class SleefJob { kSigmoid, kTanh };
void bm_sleef(benchmark::State &state, sg_isa isa, SleefJob job) {
#if defined(SG_BENCH_SLEEF) && defined(SG_BENCH_X86)
  if (!sg_isa_supported(isa)) {
    state.SkipWithError("ISA not supported by this CPU (or not built)");
    return;
  }
  void (*loop)(size_t, const float *, float *) = nullptr;
#if SG_HAVE_AVX512
  if (isa == SG_ISA_AVX512) loop = job == SleefJob::kSigmoid ? bench_sleef_expf16_sigmoid : bench_sleef_tanhf16;
#endif
#if SG_HAVE_AVX2
  if (isa == SG_ISA_AVX2) loop = job == SleefJob::kSigmoid ? bench_sleef_expf8_sigmoid : bench_sleef_tanhf8;
#endif
  if (loop) return run_elementwise(state, loop);
  state.SkipWithError("no SLEEF loop for this ISA");
#else
  (void)isa, (void)job;
  state.SkipWithError("SLEEF not found by configure (x86 only)");
#endif
}

// ---- the softmax set ----------------------------------------------------------------

// The shapes: many short rows (classifier logits), mid-size rows
// (cache-resident), long rows (rows*cols*4 = 8 MiB per array: past L2).
const std::pair<size_t, size_t> kSoftmaxShapes[] = {{256, 10}, {256, 1000}, {64, 32768}};
// --full adds an L1-resident 16 x 10 and rows past the last-level cache
// (256 x 65536: 64 MiB an array).
const std::pair<size_t, size_t> kSoftmaxFullShapes[] = {{16, 10}, {256, 10}, {256, 1000}, {64, 32768}, {256, 65536}};

std::vector<std::pair<size_t, size_t>> softmax_shapes() {
  if (g_full) return {std::begin(kSoftmaxFullShapes), std::end(kSoftmaxFullShapes)};
  return {std::begin(kSoftmaxShapes), std::end(kSoftmaxShapes)};
}

std::string shape_name(size_t rows, size_t cols) { return std::to_string(rows) + "x" + std::to_string(cols); }

// The arrays of one shape, shared by every benchmark of that shape: x logits
// uniform in [-10, 10] (fixed seed), p = softmax(x), lp = log_softmax(x) and
// dy uniform in [-1, 1] for the backward passes, labels uniform in [0, cols),
// and outputs y, dx, delta zeroed (so mapped) at allocation.
struct SoftmaxBuffers {
  float *x, *p, *lp, *dy, *y, *dx, *delta;
  uint32_t *labels;
};

SoftmaxBuffers softmax_buffers(size_t rows, size_t cols) {
  static std::map<std::pair<size_t, size_t>, SoftmaxBuffers> cache;
  auto it = cache.find({rows, cols});
  if (it != cache.end()) return it->second;
  size_t n = rows * cols, bytes = n * sizeof(float);
  SoftmaxBuffers b;
  b.x = static_cast<float *>(alloc_pages(bytes));
  b.p = static_cast<float *>(alloc_pages(bytes));
  b.lp = static_cast<float *>(alloc_pages(bytes));
  b.dy = static_cast<float *>(alloc_pages(bytes));
  b.y = static_cast<float *>(alloc_pages(bytes));
  b.dx = static_cast<float *>(alloc_pages(bytes));
  b.delta = static_cast<float *>(alloc_pages(bytes));
  b.labels = static_cast<uint32_t *>(alloc_pages(rows * sizeof(uint32_t)));
  uint64_t seed = 0x243f6a8885a308d3u ^ (uint64_t(rows) << 32) ^ cols;
  fill_uniform(b.x, n, seed, -10.0f, 10.0f);
  fill_uniform(b.dy, n, seed ^ 0x13198a2e03707344u, -1.0f, 1.0f);
  Rng r{seed ^ 0xa4093822299f31d0u};
  for (size_t i = 0; i < rows; i++) b.labels[i] = uint32_t(uint64_t(r.next24()) * cols >> 24);
  sg_softmax(rows, cols, b.x, b.p);
  sg_log_softmax(rows, cols, b.x, b.lp);
  cache.emplace(std::make_pair(rows, cols), b);
  return b;
}

enum class RowKernel { softmax, log_softmax, softmax_xent, softmax_backward, log_softmax_backward };

// Bytes each kernel must move per element, counted once: softmax and
// log_softmax read x and write y (8, like memcpy of x); softmax_xent reads
// logits and writes probs and delta (12); the backward kernels read y and dy
// and write dx (12). The labels (4 bytes a row) are left out.
int64_t row_kernel_bytes(RowKernel k) {
  return k == RowKernel::softmax || k == RowKernel::log_softmax ? 8 : 12;
}

void set_row_counters(benchmark::State &state, size_t n, int64_t bytes_per_element) {
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(n) * bytes_per_element);
  set_cycles_counter(state, double(state.iterations()) * double(n));
}

void bm_row_kernel(benchmark::State &state, RowKernel k, sg_isa isa, size_t rows, size_t cols) {
  sg_isa before;
  if (!force_isa(state, isa, &before)) return;
  SoftmaxBuffers b = softmax_buffers(rows, cols);
  auto call = [&]() {
    switch (k) {
    case RowKernel::softmax: sg_softmax(rows, cols, b.x, b.y); break;
    case RowKernel::log_softmax: sg_log_softmax(rows, cols, b.x, b.y); break;
    case RowKernel::softmax_xent:
      benchmark::DoNotOptimize(sg_softmax_xent(rows, cols, b.x, b.labels, b.y, b.delta));
      break;
    case RowKernel::softmax_backward: sg_softmax_backward(rows, cols, b.p, b.dy, b.dx); break;
    case RowKernel::log_softmax_backward: sg_log_softmax_backward(rows, cols, b.lp, b.dy, b.dx); break;
    }
  };
  call();  // warm-up: caches, TLB
  for (auto _ : state) {
    call();
    benchmark::ClobberMemory();
  }
  sg_set_isa(before);
  set_row_counters(state, rows * cols, row_kernel_bytes(k));
}

// XNNPACK's softmax operator: batch = rows, channels = cols, contiguous.
void bm_xnnpack_softmax(benchmark::State &state, size_t rows, size_t cols) {
#ifdef SG_BENCH_XNNPACK
  SoftmaxBuffers b = softmax_buffers(rows, cols);
  void *op = nullptr;
  const char *err = bench_xnn_init();
  if (!err) err = bench_xnn_softmax_create(cols, &op);
  if (!err) err = bench_xnn_softmax_setup(op, rows, b.x, b.y);
  if (!run_xnn(state, op, err)) return;
  set_row_counters(state, rows * cols, 8);
#else
  (void)rows, (void)cols;
  state.SkipWithError("XNNPACK not found by configure");
#endif
}

// oneDNN's softmax or log_softmax along the rows, forward (x to y) or
// backward from the forward's output (as simdgrad's), one thread.
void bm_onednn_softmax(benchmark::State &state, bool log, bool backward, size_t rows, size_t cols) {
#ifdef SG_BENCH_ONEDNN
  SoftmaxBuffers b = softmax_buffers(rows, cols);
  const float *in = backward ? (log ? b.lp : b.p) : b.x;
  bench_dnnl_op *job = nullptr;
  const char *err = bench_dnnl_softmax_create(log, backward, rows, cols, in, b.dy, backward ? b.dx : b.y, &job);
  if (run_dnnl(state, job, err)) set_row_counters(state, rows * cols, backward ? 12 : 8);
#else
  (void)log, (void)backward, (void)rows, (void)cols;
  state.SkipWithError("oneDNN not found by configure");
#endif
}

// The compiler's softmax loop (bench/autovec.c), the same arrays.
void bm_autovec_softmax(benchmark::State &state, size_t rows, size_t cols) {
  SoftmaxBuffers b = softmax_buffers(rows, cols);
  bench_autovec_softmax(rows, cols, b.x, b.y);  // warm-up
  for (auto _ : state) {
    bench_autovec_softmax(rows, cols, b.x, b.y);
    benchmark::ClobberMemory();
  }
  set_row_counters(state, rows * cols, 8);
}

// The roof: memcpy of x into y, the bytes softmax must move at the least.
void bm_memcpy_rows(benchmark::State &state, size_t rows, size_t cols) {
  SoftmaxBuffers b = softmax_buffers(rows, cols);
  size_t bytes = rows * cols * sizeof(float);
  std::memcpy(b.y, b.x, bytes);
  for (auto _ : state) {
    std::memcpy(b.y, b.x, bytes);
    benchmark::ClobberMemory();
  }
  set_row_counters(state, rows * cols, 8);
}

// ---- the dense set ----------------------------------------------------------------------

// The shapes: the two layers of the README's MLP, 784 -> 100 and
// 100 -> 10, at batch 1, 32 and 256, and a square 1024^3 product; the outer
// product (sger) at 784x100 and 4096x4096.
struct DenseShape {
  size_t batch, in, out;
};
const DenseShape kDenseShapes[] = {{1, 784, 100}, {32, 784, 100}, {256, 784, 100}, {1, 100, 10},
                                   {32, 100, 10}, {256, 100, 10}, {1024, 1024, 1024}};
const std::pair<size_t, size_t> kOuterShapes[] = {{784, 100}, {4096, 4096}};

// The scalar reference is measured only with --full (it runs at under 1
// GFLOP/s everywhere, and its ~20 benchmarks would take a sixth of the quick
// set's time), and only up to this many flops per call: it calls fmaf for
// every multiply-add, so 1024^3 would take seconds per call.
const double kScalarMaxFlops = 1e8;

bool measure_scalar_dense(double flops) { return g_full && flops <= kScalarMaxFlops; }

// sg_outer accumulates into A on every call: alpha this small keeps A (uniform
// in [-1, 1]) from drifting over any number of iterations a benchmark runs.
const float kOuterAlpha = 1e-7f;

std::string dense_shape_name(const DenseShape &s) {
  return "b" + std::to_string(s.batch) + "_" + std::to_string(s.in) + "x" + std::to_string(s.out);
}

double dense_flops(const DenseShape &s) { return 2.0 * double(s.batch) * double(s.in) * double(s.out); }

// The arrays of one shape, shared by every benchmark of that shape: X, W, dY
// uniform in [-1, 1] (fixed seed), outputs Y, dW, dX zeroed (so mapped).
struct DenseBuffers {
  float *X, *W, *dY, *Y, *dW, *dX;
};

DenseBuffers dense_buffers(const DenseShape &s) {
  static std::map<std::string, DenseBuffers> cache;
  std::string key = dense_shape_name(s);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  size_t nx = s.batch * s.in, nw = s.in * s.out, ny = s.batch * s.out;
  DenseBuffers b;
  b.X = static_cast<float *>(alloc_pages(nx * sizeof(float)));
  b.W = static_cast<float *>(alloc_pages(nw * sizeof(float)));
  b.dY = static_cast<float *>(alloc_pages(ny * sizeof(float)));
  b.Y = static_cast<float *>(alloc_pages(ny * sizeof(float)));
  b.dW = static_cast<float *>(alloc_pages(nw * sizeof(float)));
  b.dX = static_cast<float *>(alloc_pages(nx * sizeof(float)));
  uint64_t seed = 0x452821e638d01377u ^ (uint64_t(s.batch) << 40) ^ (uint64_t(s.in) << 20) ^ s.out;
  fill_uniform(b.X, nx, seed, -1.0f, 1.0f);
  fill_uniform(b.W, nw, seed ^ 0xbe5466cf34e90c6cu, -1.0f, 1.0f);
  fill_uniform(b.dY, ny, seed ^ 0xc0ac29b7c97c50ddu, -1.0f, 1.0f);
  cache.emplace(key, b);
  return b;
}

struct OuterBuffers {
  float *x, *y, *A;
};

OuterBuffers outer_buffers(size_t m, size_t n) {
  static std::map<std::pair<size_t, size_t>, OuterBuffers> cache;
  auto it = cache.find({m, n});
  if (it != cache.end()) return it->second;
  OuterBuffers b;
  b.x = static_cast<float *>(alloc_pages(m * sizeof(float)));
  b.y = static_cast<float *>(alloc_pages(n * sizeof(float)));
  b.A = static_cast<float *>(alloc_pages(m * n * sizeof(float)));
  uint64_t seed = 0x3f84d5b5b5470917u ^ (uint64_t(m) << 32) ^ n;
  fill_uniform(b.x, m, seed, -1.0f, 1.0f);
  fill_uniform(b.y, n, seed ^ 0x9216d5d98979fb1bu, -1.0f, 1.0f);
  fill_uniform(b.A, m * n, seed ^ 0xd1310ba698dfb5acu, -1.0f, 1.0f);
  cache.emplace(std::make_pair(m, n), b);
  return b;
}

enum class DenseOp { forward, dW, dX };

// Counters of a flop-bound job: GFLOPs (a rate: 1e9 flops per second),
// items (multiply-adds for a product, elements of A for the outer product)
// and bytes (each array read or written counted once: the least traffic).
void set_flop_counters(benchmark::State &state, double flops, double items, double bytes) {
  double it = double(state.iterations());
  state.counters["GFLOPs"] = benchmark::Counter(it * flops / 1e9, benchmark::Counter::kIsRate);
  state.SetItemsProcessed(int64_t(it * items));
  state.SetBytesProcessed(int64_t(it * bytes));
  set_cycles_counter(state, it * items);
}

void set_dense_counters(benchmark::State &state, const DenseShape &s) {
  // Each product reads two of X, W, dY/Y-shaped arrays and writes the third.
  double bytes = 4.0 * (double(s.batch) * s.in + double(s.in) * s.out + double(s.batch) * s.out);
  set_flop_counters(state, dense_flops(s), dense_flops(s) / 2, bytes);
}

void set_outer_counters(benchmark::State &state, size_t m, size_t n) {
  double mn = double(m) * double(n);
  set_flop_counters(state, 2 * mn, mn, 4.0 * (2 * mn + double(m) + double(n)));
}

void bm_dense(benchmark::State &state, DenseOp op, sg_isa isa, DenseShape s) {
  sg_isa before;
  if (!force_isa(state, isa, &before)) return;
  DenseBuffers b = dense_buffers(s);
  auto call = [&]() {
    switch (op) {
    case DenseOp::forward: sg_dense_forward(s.batch, s.in, s.out, b.X, b.W, nullptr, b.Y); break;
    case DenseOp::dW: sg_dense_backward(s.batch, s.in, s.out, b.X, nullptr, b.dY, b.dW, nullptr, nullptr); break;
    case DenseOp::dX: sg_dense_backward(s.batch, s.in, s.out, nullptr, b.W, b.dY, nullptr, nullptr, b.dX); break;
    }
  };
  call();  // warm-up: caches, TLB
  for (auto _ : state) {
    call();
    benchmark::ClobberMemory();
  }
  sg_set_isa(before);
  set_dense_counters(state, s);
}

// The same three products as OpenBLAS's cblas_sgemm (row-major), one thread.
void bm_blas_dense(benchmark::State &state, DenseOp op, DenseShape s) {
#ifdef SG_BENCH_OPENBLAS
  DenseBuffers b = dense_buffers(s);
  auto call = [&]() {
    switch (op) {
    case DenseOp::forward: bench_blas_forward(s.batch, s.in, s.out, b.X, b.W, b.Y); break;
    case DenseOp::dW: bench_blas_dW(s.batch, s.in, s.out, b.X, b.dY, b.dW); break;
    case DenseOp::dX: bench_blas_dX(s.batch, s.in, s.out, b.W, b.dY, b.dX); break;
    }
  };
  call();  // warm-up: caches, TLB, OpenBLAS's buffers
  for (auto _ : state) {
    call();
    benchmark::ClobberMemory();
  }
  set_dense_counters(state, s);
#else
  (void)op, (void)s;
  state.SkipWithError("OpenBLAS not found by configure");
#endif
}

#ifdef SG_BENCH_ONEDNN
int dnnl_pass(DenseOp op) {
  return op == DenseOp::forward ? BENCH_DENSE_FORWARD : op == DenseOp::dW ? BENCH_DENSE_DW : BENCH_DENSE_DX;
}

// One call of all the job's reorders, in seconds: the median of at least 11
// calls and 2 ms (at most 1000 calls), so that a reorder of a few
// microseconds is not one clock reading.
double time_reorders(bench_dnnl_job *job) {
  std::vector<double> t;
  double total = 0;
  bench_dnnl_reorder(job);  // warm-up
  while (t.size() < 1000 && (t.size() < 11 || total < 2e-3)) {
    auto t0 = std::chrono::steady_clock::now();
    bench_dnnl_reorder(job);
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    total += t.back();
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}
#endif

// The same three products as oneDNN inner products, one thread: in simdgrad's
// layouts (any = false: "plain", nothing reordered) or in the layouts oneDNN
// picks (any = true), whose reorders from and to simdgrad's layouts are run
// outside the timed loop and reported apart, as the counter reorder_us (one
// call of all of them). The label is the implementation oneDNN chose.
void bm_onednn_dense(benchmark::State &state, DenseOp op, bool any, DenseShape s) {
#ifdef SG_BENCH_ONEDNN
  DenseBuffers b = dense_buffers(s);
  bench_dense_args a{s.batch, s.in, s.out, b.X, b.W, b.dY, b.Y, b.dW, b.dX};
  bench_dnnl_job *job = nullptr;
  const char *err = bench_dnnl_create(dnnl_pass(op), any, &a, &job);
  double reorder_s = 0;
  if (!err && bench_dnnl_reorders(job)) reorder_s = time_reorders(job);
  if (!err) err = bench_dnnl_run(job);  // warm-up: caches, TLB, after the reorders
  if (err) {
    bench_dnnl_destroy(job);
    state.SkipWithError(err);
    return;
  }
  for (auto _ : state) {
    bench_dnnl_run(job);
    benchmark::ClobberMemory();
  }
  state.SetLabel(bench_dnnl_label(job));
  if (bench_dnnl_reorders(job)) state.counters["reorder_us"] = reorder_s * 1e6;
  bench_dnnl_destroy(job);
  set_dense_counters(state, s);
#else
  (void)op, (void)any, (void)s;
  state.SkipWithError("oneDNN not found by configure");
#endif
}

// XNNPACK's fully-connected operator as the forward Y = X W, no thread pool;
// creating it packs W, outside the timed loop.
void bm_xnnpack_fc(benchmark::State &state, DenseShape s) {
#ifdef SG_BENCH_XNNPACK
  DenseBuffers b = dense_buffers(s);
  void *op = nullptr;
  const char *err = bench_xnn_init();
  if (!err) err = bench_xnn_fc_create(s.in, s.out, b.W, &op);
  if (!err) err = bench_xnn_fc_setup(op, s.batch, b.X, b.Y);
  if (!run_xnn(state, op, err)) return;
  set_dense_counters(state, s);
#else
  (void)s;
  state.SkipWithError("XNNPACK not found by configure");
#endif
}

void bm_outer(benchmark::State &state, sg_isa isa, size_t m, size_t n) {
  sg_isa before;
  if (!force_isa(state, isa, &before)) return;
  OuterBuffers b = outer_buffers(m, n);
  sg_outer(m, n, kOuterAlpha, b.x, b.y, b.A, n);  // warm-up
  for (auto _ : state) {
    sg_outer(m, n, kOuterAlpha, b.x, b.y, b.A, n);
    benchmark::ClobberMemory();
  }
  sg_set_isa(before);
  set_outer_counters(state, m, n);
}

void bm_blas_sger(benchmark::State &state, size_t m, size_t n) {
#ifdef SG_BENCH_OPENBLAS
  OuterBuffers b = outer_buffers(m, n);
  bench_blas_sger(m, n, kOuterAlpha, b.x, b.y, b.A, n);  // warm-up
  for (auto _ : state) {
    bench_blas_sger(m, n, kOuterAlpha, b.x, b.y, b.A, n);
    benchmark::ClobberMemory();
  }
  set_outer_counters(state, m, n);
#else
  (void)m, (void)n;
  state.SkipWithError("OpenBLAS not found by configure");
#endif
}

// The core's FMA throughput: independent vfmadd231ps chains in asm
// (bench/x86_avx512.c, bench/x86_avx2.c). GFLOPs counts 2 flops per lane.
void bm_fma_peak(benchmark::State &state, sg_isa isa) {
  const uint64_t reps = 4096;
  void (*probe)(uint64_t) = nullptr;
  int lanes = 0, chains = 0;
#if SG_HAVE_AVX512
  if (isa == SG_ISA_AVX512) probe = bench_fma_zmm, lanes = 16, chains = BENCH_FMA_ZMM_CHAINS;
#endif
#if SG_HAVE_AVX2
  if (isa == SG_ISA_AVX2) probe = bench_fma_ymm, lanes = 8, chains = BENCH_FMA_YMM_CHAINS;
#endif
  if (!probe || !sg_isa_supported(isa)) {
    state.SkipWithError("ISA not supported by this CPU (or not built)");
    return;
  }
  probe(reps);  // warm-up: wakes the wide units (and any licence change) before timing
  for (auto _ : state) probe(reps);
  double fmas = double(state.iterations()) * double(reps) * chains;
  state.counters["GFLOPs"] = benchmark::Counter(fmas * lanes * 2 / 1e9, benchmark::Counter::kIsRate);
  state.counters["fmas_per_second"] = benchmark::Counter(fmas, benchmark::Counter::kIsRate);
}

// ---- probes: what bounds the kernels ------------------------------------------

// The bandwidth roof for a kernel that writes with streaming stores.
void bm_stream_copy(benchmark::State &state) {
#if SG_HAVE_AVX512
  if (sg_isa_supported(SG_ISA_AVX512)) return run_elementwise(state, bench_stream_copy_zmm);
#endif
  state.SkipWithError("needs AVX-512");
}

// Latency of one kernel call on 32 floats (one AVX-512 step, a pair of zmm),
// in place, so each call's loads wait for the previous call's stores: the
// length of the kernel's dependency chain (plus call and store forwarding).
// Throughput needs about latency / (cycles per step) steps in flight.
void bm_sigmoid_latency(benchmark::State &state, sg_isa isa) {
  if (!sg_isa_supported(isa)) {
    state.SkipWithError("ISA not supported by this CPU (or not built)");
    return;
  }
  const size_t n = 32;
  float buf[n];
  for (size_t i = 0; i < n; i++) buf[i] = -8.0f + 0.5f * float(i);
  sg_isa before = sg_active_isa();
  sg_set_isa(isa);
  for (auto _ : state) {
    sg_sigmoid(n, buf, buf);
    benchmark::ClobberMemory();
  }
  sg_set_isa(before);
  benchmark::DoNotOptimize(buf[0]);
  state.counters["calls_per_second"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

// Throughput of vdivps: items are floats divided; divs_per_second counts
// instructions. With cpu_clock's GHz the summary turns it into cycles.
void bm_divps(benchmark::State &state, sg_isa isa) {
  const uint64_t reps = 1024;
  float (*probe)(uint64_t) = nullptr;
  int lanes = 0;
#if SG_HAVE_AVX512
  if (isa == SG_ISA_AVX512) probe = bench_divps_zmm, lanes = 16;
#endif
#if SG_HAVE_AVX2
  if (isa == SG_ISA_AVX2) probe = bench_divps_ymm, lanes = 8;
#endif
  if (!probe || !sg_isa_supported(isa)) {
    state.SkipWithError("ISA not supported by this CPU (or not built)");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(probe(reps));
  double divs = double(state.iterations()) * double(reps) * BENCH_DIVS_PER_REP;
  state.SetItemsProcessed(int64_t(divs) * lanes);
  state.counters["divs_per_second"] = benchmark::Counter(divs, benchmark::Counter::kIsRate);
}

// Core clock from a chain of dependent integer adds (1 cycle each).
void bm_cpu_clock(benchmark::State &state) {
  const uint64_t reps = 4096;
  uint64_t sink = 1;
  if (!bench_add_chain(1, &sink)) {
    state.SkipWithError("no add-chain probe for this architecture");
    return;
  }
  for (auto _ : state) bench_add_chain(reps, &sink);
  benchmark::DoNotOptimize(sink);
  double adds = double(state.iterations()) * double(reps) * 64;
  state.counters["GHz"] = benchmark::Counter(adds / 1e9, benchmark::Counter::kIsRate);
}

// ---- registration ------------------------------------------------------------------

std::vector<sg_isa> isas_of_this_arch() {
  std::vector<sg_isa> v{SG_ISA_SCALAR};
#ifdef SG_BENCH_X86
  v.push_back(SG_ISA_AVX2);
  v.push_back(SG_ISA_AVX512);
#elif defined(__aarch64__)
  v.push_back(SG_ISA_NEON);
#endif
  return v;
}

// Every benchmark instance registered (one per name: sizes are registered
// one by one), so the progress line can say how many are left.
int g_registered = 0;
bool g_filtered = false;  // --benchmark_filter given: the total is not known

template <class... Args>
benchmark::internal::Benchmark *add(const std::string &name, Args &&...args) {
  g_registered++;
  return benchmark::RegisterBenchmark(name.c_str(), std::forward<Args>(args)...);
}

// The clock probe, registered once even when several sets ask for it.
void register_cpu_clock() {
  static bool done = false;
  if (!done) add("cpu_clock/add_chain", bm_cpu_clock);
  done = true;
}

void register_elementwise_set() {
  // The peers: libm and the compiler's loops, XNNPACK's operator (the
  // installed XNNPACK has f32 sigmoid but no f32 tanh), SLEEF's vector
  // functions, and memcpy of the same bytes as the roof.
  const std::pair<const char *, UnaryKernel> loops[] = {
      {"libm_sigmoid", bench_libm_sigmoid},       {"autovec_sigmoid", bench_autovec_sigmoid},
      {"libm_tanh", bench_libm_tanh},             {"autovec_tanh", bench_autovec_tanh},
      {"autovec_relu", bench_autovec_relu},       {"autovec_silu", bench_autovec_silu}};
  // Names are <kernel>/<isa> or <peer>; Arg(n) appends /<n>. The kernels:
  // every element-wise one of the registry.
  for (int64_t n : elementwise_sizes()) {
    for (const MapKernel &k : kMapKernels)
      for (sg_isa isa : isas_of_this_arch()) {
        std::string name = k.name + ("/" + std::string(sg_isa_name(isa)));
        if (k.unary) add(name, bm_unary, isa, k.unary)->Arg(n);
        else add(name, bm_binary, isa, k.binary)->Arg(n);
      }
    // XNNPACK runs a contiguous batch x channels matrix as one flat array: on
    // the Zen 5 machine one row of n channels and rows of 64, 256, 1024 or 4096
    // channels measured within 1% of each other (9.70-9.72 G/s at n = 4096),
    // so one row of n it is.
    add("xnnpack_sigmoid", bm_xnnpack_sigmoid, size_t(0))->Arg(n);
#ifdef SG_BENCH_X86
    add("sleef_expf16_loop", bm_sleef, SG_ISA_AVX512, SleefJob::kSigmoid)->Arg(n);
    add("sleef_expf8_loop", bm_sleef, SG_ISA_AVX2, SleefJob::kSigmoid)->Arg(n);
    add("sleef_tanhf16_loop", bm_sleef, SG_ISA_AVX512, SleefJob::kTanh)->Arg(n);
    add("sleef_tanhf8_loop", bm_sleef, SG_ISA_AVX2, SleefJob::kTanh)->Arg(n);
#endif
    for (auto l : loops) add(l.first, bm_peer_loop, l.second)->Arg(n);
    add("onednn_sigmoid", bm_onednn_eltwise, BENCH_ELTWISE_LOGISTIC, false)->Arg(n);
    add("onednn_tanh", bm_onednn_eltwise, BENCH_ELTWISE_TANH, false)->Arg(n);
    add("onednn_swish", bm_onednn_eltwise, BENCH_ELTWISE_SWISH, false)->Arg(n);
    add("onednn_sigmoid_backward", bm_onednn_eltwise, BENCH_ELTWISE_LOGISTIC, true)->Arg(n);
    add("onednn_tanh_backward", bm_onednn_eltwise, BENCH_ELTWISE_TANH, true)->Arg(n);
    add("onednn_swish_backward", bm_onednn_eltwise, BENCH_ELTWISE_SWISH, true)->Arg(n);
    add("memcpy", bm_memcpy)->Arg(n);
  }
#ifdef SG_BENCH_X86
  add("stream_copy/avx512", bm_stream_copy)->Arg(kLarge);
  for (sg_isa isa : isas_of_this_arch())
    if (isa != SG_ISA_SCALAR) add(std::string("sigmoid_latency/") + sg_isa_name(isa), bm_sigmoid_latency, isa);
  add("divps_throughput/avx512", bm_divps, SG_ISA_AVX512);
  add("divps_throughput/avx2", bm_divps, SG_ISA_AVX2);
#endif
  // input_range/<kernel>/<isa>/<lo>..<hi>: see bm_sigmoid_range.
  const std::pair<float, float> ranges[] = {{-10.0f, 10.0f}, {17.0f, 120.0f}, {-87.0f, -60.0f}, {-100.0f, -88.0f}};
  for (int k = 0; k < 2; k++)
    for (sg_isa isa : isas_of_this_arch())
      for (auto r : ranges)
        if (isa != SG_ISA_SCALAR) {
          char name[96];
          std::snprintf(name, sizeof name, "input_range/%s/%s/%g..%g", kSigmoidTiers[k].first, sg_isa_name(isa),
                        r.first, r.second);
          add(name, bm_sigmoid_range, isa, kSigmoidTiers[k].second, r.first, r.second);
        }
  register_cpu_clock();
}

// oneDNN's version and thread count in the context, once per run (both the
// softmax and the dense set want them); false, with the reason in the
// context, when oneDNN does not start.
bool add_onednn_common_context() {
#ifdef SG_BENCH_ONEDNN
  static int state = 0;  // 0 not yet, 1 added, -1 failed
  if (state) return state > 0;
  if (const char *err = bench_dnnl_init()) {
    benchmark::AddCustomContext("onednn", err);
    state = -1;
    return false;
  }
  benchmark::AddCustomContext("onednn_version", bench_dnnl_version());
  int threads = bench_dnnl_threads();
  benchmark::AddCustomContext("onednn_threads", threads > 0 ? std::to_string(threads) : "unknown");
  const char *omp = std::getenv("OMP_NUM_THREADS");
  benchmark::AddCustomContext("OMP_NUM_THREADS", omp ? omp : "(unset)");
  state = 1;
  return true;
#else
  return false;
#endif
}

// "softmax", "log_softmax_backward" and the like: the simdgrad kernel a
// oneDNN softmax job stands beside, in its benchmark's and context key's name.
std::string softmax_op_name(bool log, bool backward) {
  return std::string(log ? "log_softmax" : "softmax") + (backward ? "_backward" : "");
}

// The implementation oneDNN runs for each softmax job and shape, one context
// key per job, e.g. onednn_impl_softmax: "256x10 jit:avx512_common | ...".
// The primitives are built without buffers, before any benchmark runs.
void add_onednn_softmax_context() {
#ifdef SG_BENCH_ONEDNN
  if (!add_onednn_common_context()) return;
  for (bool backward : {false, true})
    for (bool log : {false, true}) {
      std::string text;
      for (auto shape : softmax_shapes()) {
        bench_dnnl_op *job = nullptr;
        const char *err = bench_dnnl_softmax_create(log, backward, shape.first, shape.second, nullptr, nullptr,
                                                    nullptr, &job);
        text += (text.empty() ? "" : " | ") + shape_name(shape.first, shape.second) + " " +
                (err ? err : bench_dnnl_op_label(job));
        bench_dnnl_op_destroy(job);
      }
      benchmark::AddCustomContext("onednn_impl_" + softmax_op_name(log, backward), text);
    }
#endif
}

void register_softmax_set() {
  const std::pair<RowKernel, const char *> kernels[] = {{RowKernel::softmax, "softmax"},
                                                         {RowKernel::log_softmax, "log_softmax"},
                                                         {RowKernel::softmax_xent, "softmax_xent"},
                                                         {RowKernel::softmax_backward, "softmax_backward"},
                                                         {RowKernel::log_softmax_backward, "log_softmax_backward"}};
  for (auto shape : softmax_shapes()) {
    size_t rows = shape.first, cols = shape.second;
    std::string sn = shape_name(rows, cols);
    for (auto k : kernels)
      for (sg_isa isa : isas_of_this_arch())
        add(std::string(k.second) + "/" + sg_isa_name(isa) + "/" + sn, bm_row_kernel, k.first, isa, rows, cols);
    add("xnnpack_softmax/" + sn, bm_xnnpack_softmax, rows, cols);
    for (bool backward : {false, true})
      for (bool log : {false, true})
        add("onednn_" + softmax_op_name(log, backward) + "/" + sn, bm_onednn_softmax, log, backward, rows, cols);
    add("autovec_softmax/" + sn, bm_autovec_softmax, rows, cols);
    add("memcpy/" + sn, bm_memcpy_rows, rows, cols);
  }
  add_onednn_softmax_context();
}

const std::pair<DenseOp, const char *> kDenseOps[] = {
    {DenseOp::forward, "forward"}, {DenseOp::dW, "dW"}, {DenseOp::dX, "dX"}};

// The implementation oneDNN picks per product, layout variant and shape
// (and the buffers it wants in its own layout), one context key per product
// and variant, e.g. onednn_impl_plain_forward: "b1_784x100 x64:gemm:jit | ...".
// Only the primitive descriptors are built here, before any benchmark runs:
// the context is written before the first result.
void add_onednn_dense_context() {
#ifdef SG_BENCH_ONEDNN
  if (!add_onednn_common_context()) return;
  for (bool any : {false, true})
    for (auto op : kDenseOps) {
      std::string text;
      for (const DenseShape &s : kDenseShapes) {
        bench_dense_args a{s.batch, s.in, s.out, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
        char buf[256];
        const char *err = bench_dnnl_describe(dnnl_pass(op.first), any, &a, buf, sizeof buf);
        text += (text.empty() ? "" : " | ") + dense_shape_name(s) + " " + (err ? err : buf);
      }
      benchmark::AddCustomContext(std::string("onednn_impl_") + (any ? "any_" : "plain_") + op.second, text);
    }
#endif
}

void register_dense_set() {
#ifdef SG_BENCH_X86
  add("fma_peak/avx512", bm_fma_peak, SG_ISA_AVX512);
  add("fma_peak/avx2", bm_fma_peak, SG_ISA_AVX2);
#endif
  register_cpu_clock();
  for (auto op : kDenseOps)
    for (const DenseShape &s : kDenseShapes) {
      std::string sn = dense_shape_name(s);
      for (sg_isa isa : isas_of_this_arch())
        if (isa != SG_ISA_SCALAR || measure_scalar_dense(dense_flops(s)))
          add(std::string("dense_") + op.second + "/" + sg_isa_name(isa) + "/" + sn, bm_dense, op.first, isa, s);
      add(std::string("openblas_") + op.second + "/" + sn, bm_blas_dense, op.first, s);
      add(std::string("onednn_plain_") + op.second + "/" + sn, bm_onednn_dense, op.first, false, s);
      add(std::string("onednn_any_") + op.second + "/" + sn, bm_onednn_dense, op.first, true, s);
      // XNNPACK's fully-connected operator is inference only: no dW, no dX.
      if (op.first == DenseOp::forward) add("xnnpack_fc_forward/" + sn, bm_xnnpack_fc, s);
    }
  add_onednn_dense_context();
  for (auto shape : kOuterShapes) {
    size_t m = shape.first, n = shape.second;
    std::string sn = shape_name(m, n);
    for (sg_isa isa : isas_of_this_arch())
      if (isa != SG_ISA_SCALAR || measure_scalar_dense(2.0 * double(m) * double(n)))
        add(std::string("outer/") + sg_isa_name(isa) + "/" + sn, bm_outer, isa, m, n);
    add("openblas_sger/" + sn, bm_blas_sger, m, n);
  }
}

const char *const kSets[] = {"elementwise", "softmax", "dense"};

// ---- context -------------------------------------------------------------------------

// The directory name of this CPU's results: its model string, lower case,
// every run of other characters turned into one '-'.
// x86's family, model and stepping (CPUID leaf 1, with the extended fields
// where the manuals say they apply) as "f6m207s2"; empty elsewhere. The
// model string alone can name different CPUs (a virtual CPU's "Intel(R)
// Xeon(R) Processor", a cloud's "AMD EPYC"), whose results must not share a
// directory.
std::string cpu_signature() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return "";
  unsigned family = (a >> 8) & 0xf, model = (a >> 4) & 0xf, stepping = a & 0xf;
  if (family == 0xf) family += (a >> 20) & 0xff;
  if (family == 0x6 || family >= 0xf) model += ((a >> 16) & 0xf) << 4;
  return "f" + std::to_string(family) + "m" + std::to_string(model) + "s" + std::to_string(stepping);
#else
  return "";
#endif
}

// The directory name of this CPU's results: the model string made file-name
// safe, then the signature.
std::string cpu_id() {
  std::string id;
  for (const char *p = sg_cpu_model(); *p; p++) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (std::isalnum(c))
      id += char(std::tolower(c));
    else if (!id.empty() && id.back() != '-')
      id += '-';
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  if (id.empty()) id = "unknown";
  std::string sig = cpu_signature();
  return sig.empty() ? id : id + "-" + sig;
}

std::string cxx_compiler() {
#if defined(__clang__)
  return "clang++ " __clang_version__;
#elif defined(__GNUC__)
  return "g++ " __VERSION__;
#else
  return "unknown";
#endif
}

void add_context(const std::string &set) {
  using benchmark::AddCustomContext;
  AddCustomContext("sg_version", sg_version());
  AddCustomContext("sg_cpu_model", sg_cpu_model());
  AddCustomContext("sg_cpu_id", cpu_id());
  AddCustomContext("sg_cpu_features", sg_cpu_features());
  std::string supported;
  for (int i = 0; i < SG_ISA_COUNT; i++)
    if (sg_isa_supported(sg_isa(i))) supported += std::string(supported.empty() ? "" : " ") + sg_isa_name(sg_isa(i));
  AddCustomContext("sg_isas_supported", supported);
  AddCustomContext("sg_isa_default", sg_isa_name(sg_active_isa()));
  const char *env = std::getenv("SIMDGRAD_ISA");
  AddCustomContext("SIMDGRAD_ISA", env ? env : "(unset)");
  AddCustomContext("sg_isa_note", "each <kernel>/<isa>/<size> benchmark forces <isa> with sg_set_isa()");
  AddCustomContext("sizes", g_full ? "full (make bench-full): L1- to DRAM-resident" : "quick (make bench): one L1 and one DRAM size");
  AddCustomContext("autovec_target", std::string("gcc -O3 -march=native -ffast-math: ") + bench_autovec_target());
  if (g_clock_hz > 0) AddCustomContext("clock_ghz", std::to_string(g_clock_hz / 1e9));
  AddCustomContext("compiler_c", bench_c_compiler());
  AddCustomContext("compiler_cxx", cxx_compiler());
#ifdef SG_BENCH_CFLAGS
  AddCustomContext("cflags", SG_BENCH_CFLAGS);
#endif
#ifdef SG_BENCH_CXXFLAGS
  AddCustomContext("cxxflags", SG_BENCH_CXXFLAGS);
#endif
  std::string peers = "memcpy libm autovec";
#ifdef SG_BENCH_XNNPACK
  peers += " xnnpack";
#endif
#ifdef SG_BENCH_SLEEF
  peers += " sleef";
#endif
#ifdef SG_BENCH_ONEDNN
  peers += " onednn";
#endif
#ifdef SG_BENCH_OPENBLAS
  peers += " openblas";
  AddCustomContext("openblas_config", bench_blas_config());
  AddCustomContext("openblas_corename", bench_blas_corename());
  AddCustomContext("openblas_threads", std::to_string(bench_blas_threads()));
  const char *obt = std::getenv("OPENBLAS_NUM_THREADS");
  AddCustomContext("OPENBLAS_NUM_THREADS", obt ? obt : "(unset)");
#endif
  AddCustomContext("peers", peers);
  AddCustomContext("bench_set", set);
}

// ---- summary: each set's comparisons ----------------------------------------------

// The console reporter, plus a few lines at the end for each set that ran.
// sigmoid: the best simdgrad ISA against XNNPACK at 4096 and against memcpy at
// 2^24, and the divider bound. softmax: the best ISA against XNNPACK's softmax
// at each shape, against memcpy at 64x32768, and the passes over memory.
// dense: GFLOP/s per ISA against OpenBLAS and the FMA peak, per product and shape.
// Uses each benchmark's median when repetitions give one, else its runs' median.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  using benchmark::ConsoleReporter::ConsoleReporter;

  void ReportRuns(const std::vector<Run> &runs) override {
    for (const Run &r : runs) {
      const char *key = r.counters.count("GFLOPs")             ? "GFLOPs"
                        : r.counters.count("GHz")              ? "GHz"
                        : r.counters.count("calls_per_second") ? "calls_per_second"
                                                               : "items_per_second";
      auto rate = r.counters.find(key);
      if (rate == r.counters.end() || !(rate->second.value > 0)) continue;  // skipped or failed
      std::string name = r.run_name.str();
      auto reorder = r.counters.find("reorder_us");
      if (r.run_type == Run::RT_Aggregate) {
        if (r.aggregate_name == "median") median_[name] = rate->second.value;
        if (r.aggregate_name == "median" && reorder != r.counters.end())
          median_[name + "#reorder_us"] = reorder->second.value;
      } else {
        samples_[name].push_back(rate->second.value);
        if (reorder != r.counters.end()) samples_[name + "#reorder_us"].push_back(reorder->second.value);
      }
      if (!r.report_label.empty()) labels_[name] = r.report_label;
    }
    // The console writes a rate counter's unit as "/s" ("s" when inverted);
    // these three hold finished figures (cycles per element, GFLOP/s, GHz),
    // so they are shown bare. The JSON file holds the same values.
    std::vector<Run> shown = runs;
    for (Run &r : shown)
      for (const char *k : {"cycles_per_element", "GFLOPs", "GHz"}) {
        auto c = r.counters.find(k);
        if (c != r.counters.end()) c->second.flags = benchmark::Counter::kDefaults;
      }
    ConsoleReporter::ReportRuns(shown);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::FILE *out = stdout;
    std::fprintf(out, "\nsummary (medians; G = 1e9 elements/s):\n");
    double ghz = get("cpu_clock/add_chain");
    if (ghz > 0) std::fprintf(out, "  core clock (dependent adds): %.2f GHz\n", ghz);
    bool elementwise = ran("divps_throughput/");
    for (const MapKernel &k : kMapKernels) elementwise = elementwise || ran(k.name + std::string("/"));
    if (elementwise) sigmoid_summary(out, ghz);
    if (ran("softmax/") || ran("xnnpack_softmax/") || ran("log_softmax/") || ran("softmax_xent/") ||
        ran("softmax_backward/"))
      softmax_summary(out);
    if (ran("dense_") || ran("openblas_") || ran("onednn_plain_") || ran("onednn_any_") || ran("xnnpack_fc_") ||
        ran("outer/") || ran("fma_peak/"))
      dense_summary(out, ghz);
  }

 private:
  // The best ISA of an element-wise kernel at each size, and its ratio to each peer.
  void best_vs_peers(std::FILE *out, const char *kernel, const std::vector<std::string> &peers,
                     double ghz) const {
    for (int64_t n : {kSmall, kLarge}) {
      std::string sn = std::to_string(n), best_isa;
      double best = 0;
      for (sg_isa isa : isas_of_this_arch()) {
        double v = get(std::string(kernel) + "/" + sg_isa_name(isa) + "/" + sn);
        if (v > best) best = v, best_isa = sg_isa_name(isa);
      }
      if (!(best > 0)) continue;
      std::fprintf(out, "  %s n=%s: best simdgrad ISA %s %.3f G/s", kernel, sn.c_str(), best_isa.c_str(),
                   best / 1e9);
      if (ghz > 0) std::fprintf(out, " (%.2f cycles per 16 elements)", 16 * ghz * 1e9 / best);
      std::fprintf(out, "\n");
      for (const std::string &peer : peers) {
        double v = get(peer + "/" + sn);
        if (v > 0) std::fprintf(out, "    / %-18s %7.3f G/s = %6.3fx\n", peer.c_str(), v / 1e9, best / v);
      }
    }
  }

  void sigmoid_summary(std::FILE *out, double ghz) const {
    // every element-wise kernel against its peers in the registry; the
    // sigmoids against the streaming-copy probe too (their DRAM-size roof)
    for (const MapKernel &k : kMapKernels) {
      std::vector<std::string> peers = split_words(k.peers);
      if (std::strncmp(k.name, "sigmoid", 7) == 0 && !k.binary) peers.push_back("stream_copy/avx512");
      best_vs_peers(out, k.name, peers, ghz);
    }
    for (sg_isa isa : isas_of_this_arch()) {
      double v = get(std::string("sigmoid_latency/") + sg_isa_name(isa));
      if (!(v > 0)) continue;
      std::fprintf(out, "  sigmoid latency (%s): %.1f ns per dependent call on 32 floats", sg_isa_name(isa), 1e9 / v);
      if (ghz > 0) std::fprintf(out, " = %.0f cycles", ghz * 1e9 / v);
      std::fprintf(out, "\n");
    }
    for (auto probe : {std::make_pair("avx512", 16), std::make_pair("avx2", 8)}) {
      double v = get(std::string("divps_throughput/") + probe.first);
      if (!(v > 0)) continue;
      double per_div = v / probe.second;  // instructions per second
      std::fprintf(out, "  divider (%s): %.3f G vdivps/s", probe.first, per_div / 1e9);
      if (ghz > 0) std::fprintf(out, " = %.2f cycles each", ghz * 1e9 / per_div);
      std::fprintf(out, "; a kernel with one division per element is bounded by %.2f G/s\n", v / 1e9);
    }
  }

  // The best ISA of kernel at shape sn: its rate, its name in isa_out.
  double best_of(const std::string &kernel, const std::string &sn, std::string *isa_out) const {
    double best = 0;
    for (sg_isa isa : isas_of_this_arch()) {
      double v = get(kernel + "/" + sg_isa_name(isa) + "/" + sn);
      if (v > best) best = v, *isa_out = sg_isa_name(isa);
    }
    return best;
  }

  void softmax_summary(std::FILE *out) const {
    std::fprintf(out, "  softmax set (G elements/s; rows x cols):\n");
    std::fprintf(out, "    %-20s %-10s", "kernel", "shape");
    for (sg_isa isa : isas_of_this_arch()) std::fprintf(out, " %9s", sg_isa_name(isa));
    std::fprintf(out, "\n");
    for (const char *k : {"softmax", "log_softmax", "softmax_xent", "softmax_backward", "log_softmax_backward"})
      for (auto shape : kSoftmaxShapes) {
        std::string sn = shape_name(shape.first, shape.second), line;
        bool any = false;
        char buf[32];
        for (sg_isa isa : isas_of_this_arch()) {
          double v = get(std::string(k) + "/" + sg_isa_name(isa) + "/" + sn);
          any = any || v > 0;
          std::snprintf(buf, sizeof buf, " %9s", "-");
          if (v > 0) std::snprintf(buf, sizeof buf, " %9.3f", v / 1e9);
          line += buf;
        }
        if (any) std::fprintf(out, "    %-20s %-10s%s\n", k, sn.c_str(), line.c_str());
      }
    // Each kernel beside oneDNN's twin (the same operation, pass and arrays).
    for (bool backward : {false, true})
      for (bool log : {false, true})
        for (auto shape : kSoftmaxShapes) {
          std::string k = softmax_op_name(log, backward), sn = shape_name(shape.first, shape.second), isa;
          double best = best_of(k, sn, &isa), dnnl = get("onednn_" + k + "/" + sn);
          if (best > 0 && dnnl > 0)
            std::fprintf(out, "  %s %s: best simdgrad ISA %s %.3f G/s / onednn %.3f G/s = %.3fx\n", k.c_str(),
                         sn.c_str(), isa.c_str(), best / 1e9, dnnl / 1e9, best / dnnl);
        }
    for (auto shape : kSoftmaxShapes) {
      std::string sn = shape_name(shape.first, shape.second), isa;
      double best = best_of("softmax", sn, &isa);
      if (!(best > 0)) continue;
      std::fprintf(out, "  softmax %s: best simdgrad ISA %s %.3f G/s\n", sn.c_str(), isa.c_str(), best / 1e9);
      for (const char *peer : {"xnnpack_softmax", "autovec_softmax", "memcpy"}) {
        double v = get(std::string(peer) + "/" + sn);
        if (v > 0) std::fprintf(out, "    / %-18s %7.3f G/s = %6.3fx\n", peer, v / 1e9, best / v);
      }
    }
    // Passes over the data at 64x32768. XNNPACK's f32 softmax operator and
    // simdgrad's both run, per row, a max pass (reads x), an exp+sum pass
    // that stores the exps (reads x, writes y) and a scale pass (reads and
    // writes y): 3 passes, 16 bytes per element.
    // Both work row by row, and a row (128 KiB) fits in L2, so the passes
    // after a row's first may not reach memory. Measured, so not assumed: each
    // one's time in units of memcpy (x to y, 8 bytes per element).
    std::string big = shape_name(kSoftmaxShapes[2].first, kSoftmaxShapes[2].second), isa;
    double best = best_of("softmax", big, &isa), xnn = get("xnnpack_softmax/" + big),
           mem = get("memcpy/" + big);
    if (best > 0 || xnn > 0)
      std::fprintf(out, "  passes over the data at %s: xnnpack and simdgrad 3 each (max; exp+sum storing exps;"
                      " scale) = 16 B/element; a row is %zu KiB, so a row's later passes may hit cache:\n",
                   big.c_str(), kSoftmaxShapes[2].second * sizeof(float) / 1024);
    if (mem > 0 && (best > 0 || xnn > 0)) {
      if (xnn > 0)
        std::fprintf(out, "    xnnpack:  %.2f memcpy-times, %.1f GB/s modelled (16 B/element)\n", mem / xnn,
                     xnn * 16 / 1e9);
      if (best > 0)
        std::fprintf(out, "    simdgrad: %.2f memcpy-times, %.1f GB/s modelled (16 B/element; %s)\n", mem / best,
                     best * 16 / 1e9, isa.c_str());
      std::fprintf(out, "    memcpy:   %.1f GB/s (8 B/element)\n", mem * 8 / 1e9);
    }
  }

  // Per product and shape: GFLOP/s of each ISA and each peer, the best ISA
  // and the peers as a fraction of the core's FMA peak (the faster of
  // fma_peak/avx512 and fma_peak/avx2); then the best ISA over each peer,
  // then oneDNN's reorders.
  void dense_summary(std::FILE *out, double ghz) const {
    double peak = 0;
    std::fprintf(out, "  dense set (GFLOP/s = 1e9 flops/s; 2*batch*in*out flops per product, 2*m*n per outer product):\n");
    for (const char *p : {"avx512", "avx2"}) {
      double v = get(std::string("fma_peak/") + p);
      if (!(v > 0)) continue;
      peak = std::max(peak, v);
      std::fprintf(out, "    FMA peak (%s): %.1f GFLOP/s", p, v);
      if (ghz > 0) std::fprintf(out, " = %.1f flops/cycle at %.2f GHz", v / ghz, ghz);
      std::fprintf(out, "\n");
    }
    // One row per product and shape, its kernel and its peers' names.
    struct Row {
      std::string label, kernel, sn, blas, plain, any, xnn;
    };
    std::vector<Row> rows;
    for (std::string op : {"forward", "dW", "dX"})
      for (const DenseShape &s : kDenseShapes) {
        std::string sn = dense_shape_name(s);
        rows.push_back({op, "dense_" + op, sn, "openblas_" + op + "/" + sn, "onednn_plain_" + op + "/" + sn,
                        "onednn_any_" + op + "/" + sn, op == "forward" ? "xnnpack_fc_forward/" + sn : ""});
      }
    for (auto shape : kOuterShapes) {
      std::string sn = shape_name(shape.first, shape.second);
      rows.push_back({"outer", "outer", sn, "openblas_sger/" + sn, "", "", ""});
    }
    auto num = [](double v, const char *fmt, int width) {
      char buf[32];
      if (v > 0) std::snprintf(buf, sizeof buf, fmt, width, v);
      else std::snprintf(buf, sizeof buf, " %*s", width, "-");
      return std::string(buf);
    };
    auto rate = [&](const std::string &name) { return name.empty() ? 0.0 : get(name); };
    // A row's figures: the best ISA and each peer's GFLOP/s, 0 where not measured.
    struct Rates {
      std::string isa;
      double best, blas, plain, any, xnn, dnnl;
    };
    auto rates_of = [&](const Row &r) {
      Rates v;
      v.best = best_of(r.kernel, r.sn, &v.isa);
      v.blas = rate(r.blas), v.plain = rate(r.plain), v.any = rate(r.any), v.xnn = rate(r.xnn);
      v.dnnl = std::max(v.plain, v.any);
      return v;
    };
    std::vector<sg_isa> isas;  // the ISAs measured (scalar only with --full)
    for (sg_isa isa : isas_of_this_arch())
      for (const Row &r : rows)
        if (get(r.kernel + "/" + sg_isa_name(isa) + "/" + r.sn) > 0) {
          isas.push_back(isa);
          break;
        }
    std::fprintf(out, "    %-8s %-16s", "kernel", "shape");
    for (sg_isa isa : isas) std::fprintf(out, " %7s", sg_isa_name(isa));
    std::fprintf(out, " %8s %8s %8s %8s %7s %7s %7s\n", "openblas", "dnnl_pl", "dnnl_any", "xnn_fc", "%peak",
                 "blas%pk", "dnnl%pk");
    for (const Row &r : rows) {
      std::string line;
      bool any = false;
      for (sg_isa i : isas) {
        double v = get(r.kernel + "/" + sg_isa_name(i) + "/" + r.sn);
        any = any || v > 0;
        line += num(v, " %*.2f", 7);
      }
      Rates v = rates_of(r);
      if (!any && !(v.blas > 0) && !(v.dnnl > 0) && !(v.xnn > 0)) continue;
      std::fprintf(out, "    %-8s %-16s%s%s%s%s%s", r.label.c_str(), r.sn.c_str(), line.c_str(),
                   num(v.blas, " %*.2f", 8).c_str(), num(v.plain, " %*.2f", 8).c_str(),
                   num(v.any, " %*.2f", 8).c_str(), num(v.xnn, " %*.2f", 8).c_str());
      for (double x : {v.best, v.blas, v.dnnl})
        std::fprintf(out, "%s%s", num(peak > 0 ? 100 * x / peak : 0, " %*.1f", 6).c_str(), x > 0 && peak > 0 ? "%" : " ");
      std::fprintf(out, "\n");
    }
    std::fprintf(out, "    (%%peak: the best ISA's GFLOP/s over the FMA peak; blas%%pk: OpenBLAS's; dnnl%%pk: the better\n"
                      "    oneDNN variant's; every library single-threaded. dnnl_pl: oneDNN in simdgrad's layouts;\n"
                      "    dnnl_any: in the layouts oneDNN picks, reorders untimed; xnn_fc: XNNPACK's fully-connected)\n");
    std::fprintf(out, "  best simdgrad ISA over each peer (x; > 1: simdgrad faster; dnnl_best: the faster oneDNN variant):\n");
    std::fprintf(out, "    %-8s %-16s %7s %8s %8s %8s %9s %8s\n", "kernel", "shape", "best", "/blas", "/dnnl_pl",
                 "/dnnl_any", "/dnnl_best", "/xnn_fc");
    for (const Row &r : rows) {
      Rates v = rates_of(r);
      if (!(v.best > 0)) continue;
      auto ratio = [&](double peer, int width) { return num(peer > 0 ? v.best / peer : 0, " %*.3fx", width - 1); };
      std::fprintf(out, "    %-8s %-16s %7s%s%s%s%s%s", r.label.c_str(), r.sn.c_str(), v.isa.c_str(),
                   ratio(v.blas, 8).c_str(), ratio(v.plain, 8).c_str(), ratio(v.any, 9).c_str(),
                   ratio(v.dnnl, 10).c_str(), ratio(v.xnn, 8).c_str());
      std::fprintf(out, "\n");
    }
    bool header = false;
    for (const Row &r : rows) {
      for (const std::string &name : {r.plain, r.any}) {
        auto l = labels_.find(name);
        if (name.empty() || l == labels_.end()) continue;
        if (!header)
          std::fprintf(out, "  oneDNN's implementation per job, and for dnnl_any the reorders of simdgrad's buffers\n"
                            "  into (out of) its layouts, run outside the timed loop (one call of all of them):\n");
        header = true;
        double us = get(name + "#reorder_us");
        std::fprintf(out, "    %-32s %s", name.c_str(), l->second.c_str());
        if (us > 0) std::fprintf(out, " (reorder %.1f us)", us);
        std::fprintf(out, "\n");
      }
    }
  }

  bool ran(const std::string &prefix) const {
    for (auto &m : median_)
      if (m.first.compare(0, prefix.size(), prefix) == 0) return true;
    for (auto &m : samples_)
      if (m.first.compare(0, prefix.size(), prefix) == 0) return true;
    return false;
  }

  double get(const std::string &name) const {
    auto m = median_.find(name);
    if (m != median_.end()) return m->second;
    auto s = samples_.find(name);
    if (s == samples_.end() || s->second.empty()) return 0;
    std::vector<double> v = s->second;
    std::sort(v.begin(), v.end());
    size_t k = v.size();
    return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
  }

  std::map<std::string, double> median_;
  std::map<std::string, std::vector<double>> samples_;
  std::map<std::string, std::string> labels_;  // a benchmark's label (oneDNN's implementation)
};

// The memory the chosen sets will hold at once (every array is cached for
// the whole run), against what the system has available: a size list that
// does not fit is refused up front rather than swapping or being killed
// half-way. Returns false, with the message printed, when it does not fit.
bool sizes_fit(const std::string &set) {
  double need = 0;
  if (set == "all" || set == "elementwise")
    for (int64_t n : elementwise_sizes()) need += 12.0 * double(n);  // x, dy, y
  if (set == "all" || set == "softmax")
    for (auto sh : softmax_shapes()) need += 24.0 * double(sh.first) * double(sh.second);
  if (set == "all" || set == "dense") {
    // X, W, dY, their outputs, and oneDNN's copies in its own layouts
    for (const DenseShape &d : kDenseShapes)
      need += 12.0 * (double(d.batch) * d.in + double(d.in) * d.out + double(d.batch) * d.out);
    for (auto sh : kOuterShapes) need += 4.0 * (double(sh.first) * double(sh.second) + sh.first + sh.second);
  }
  double avail = 0;
  if (std::FILE *f = std::fopen("/proc/meminfo", "r")) {
    char line[128];
    unsigned long long kb;
    while (std::fgets(line, sizeof line, f))
      if (std::sscanf(line, "MemAvailable: %llu kB", &kb) == 1) avail = double(kb) * 1024;
    std::fclose(f);
  }
  if (!(avail > 0)) avail = double(sysconf(_SC_AVPHYS_PAGES)) * double(sysconf(_SC_PAGESIZE));
  // SIMDGRAD_BENCH_MEMORY_MB caps what the run may use (a machine shared
  // with other jobs), below what the system reports.
  if (const char *cap = std::getenv("SIMDGRAD_BENCH_MEMORY_MB")) {
    char *end;
    double mb = std::strtod(cap, &end);
    if (end == cap || *end || !(mb > 0)) {
      std::fprintf(stderr, "simdgrad_bench: SIMDGRAD_BENCH_MEMORY_MB=%s: want a positive number of MiB\n", cap);
      return false;
    }
    if (!(avail > 0) || mb * 1048576 < avail) avail = mb * 1048576;
  }
  if (avail > 0 && need > 0.8 * avail) {
    std::fprintf(stderr,
                 "simdgrad_bench: the %s sizes of set '%s' need %.0f MiB of arrays, but only %.0f MiB of memory\n"
                 "  is available (at most 80%% is used); run the quick sizes (make bench) or free memory\n"
                 "  (SIMDGRAD_BENCH_MEMORY_MB caps the memory counted as available)\n",
                 g_full ? "--full" : "quick", set.c_str(), need / 1048576, avail / 1048576);
    return false;
  }
  return true;
}

// The console reporter of make bench, with a progress line on stderr.
class ProgressReporter : public SummaryReporter {
 public:
  using SummaryReporter::SummaryReporter;
  // On a terminal the progress line stays at the bottom: cleared before the
  // console's next line, drawn again after it. Otherwise one line per benchmark.
  void ReportRuns(const std::vector<Run> &runs) override {
    bool tty = isatty(STDERR_FILENO);
    if (tty) std::fprintf(stderr, "\r\033[K");
    SummaryReporter::ReportRuns(runs);
    GetOutputStream().flush();
    if (!runs.empty()) seen_.insert(runs[0].run_name.str());
    if (g_filtered)
      std::fprintf(stderr, "[%zu benchmarks done]%s", seen_.size(), tty ? "" : "\n");
    else
      std::fprintf(stderr, "[%zu/%d benchmarks done]%s", seen_.size(), g_registered, tty ? "" : "\n");
    std::fflush(stderr);
  }
  void Finalize() override {
    if (isatty(STDERR_FILENO)) std::fprintf(stderr, "\r\033[K");
    SummaryReporter::Finalize();
  }

 private:
  std::set<std::string> seen_;
};

}  // namespace

int main(int argc, char **argv) {
  // Take our own options out of argv before Google Benchmark sees it.
  bool console = true;
  std::string set = "all";
  int kept = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (std::strcmp(a, "--cpu-id") == 0) {
      std::printf("%s\n", cpu_id().c_str());
      return 0;
    }
    if (std::strncmp(a, "--context=", 10) == 0) {
      const char *kv = a + 10, *eq = std::strchr(kv, '=');
      if (!eq || eq == kv) {
        std::fprintf(stderr, "simdgrad_bench: --context needs KEY=VALUE, got '%s'\n", kv);
        return 2;
      }
      benchmark::AddCustomContext(std::string(kv, eq), eq + 1);
      continue;
    }
    if (std::strncmp(a, "--set=", 6) == 0) {
      set = a + 6;
      bool known = set == "all";
      for (const char *k : kSets) known = known || set == k;
      if (!known) {
        std::fprintf(stderr, "simdgrad_bench: unknown set '%s' (elementwise, softmax, dense or all)\n", set.c_str());
        return 2;
      }
      continue;
    }
    if (std::strcmp(a, "--full") == 0) {
      g_full = true;
      continue;
    }
    if (std::strcmp(a, "--help") == 0)
      std::printf("simdgrad_bench [--set=elementwise|softmax|dense|all] [--full] [--cpu-id] [--context=KEY=VALUE]...\n"
                  "               [Google Benchmark options]\n\n");
    if (std::strncmp(a, "--benchmark_format=", 19) == 0) console = std::strcmp(a + 19, "console") == 0;
    if (std::strncmp(a, "--benchmark_filter=", 19) == 0) g_filtered = true;
    argv[kept++] = argv[i];
  }
  argc = kept;
  argv[argc] = nullptr;

#ifdef SG_BENCH_OPENBLAS
  bench_blas_single_thread();  // the comparison is single-threaded (make bench also sets OPENBLAS_NUM_THREADS=1)
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (!sizes_fit(set)) return 2;
  measure_clock();
  add_context(set);
  if (set == "all" || set == "elementwise") register_elementwise_set();
  if (set == "all" || set == "softmax") register_softmax_set();
  if (set == "all" || set == "dense") register_dense_set();
  if (console) {
    ProgressReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color
                                                    : benchmark::ConsoleReporter::OO_None);
    benchmark::RunSpecifiedBenchmarks(&reporter);
  } else {
    benchmark::RunSpecifiedBenchmarks();
  }
  benchmark::Shutdown();
  return 0;
}
