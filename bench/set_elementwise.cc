// SPDX-License-Identifier: BSD-3-Clause
// The elementwise set: every element-wise kernel of the registry
// (src/kernels.h) on each ISA, called straight from that ISA's table, against
// XNNPACK, oneDNN, SLEEF, libm, the compiler's auto-vectorised loop and memcpy;
// the divider, latency and input-range probes; and its summary.
#include <config.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "driver.h"
#include "kernels.h"  // before the extern "C" block: it includes <math.h>
// src/internal.h is C (sg_table_for and the table of each ISA); the bench
// links the static library, so its hidden symbols resolve.
extern "C" {
#include "internal.h"
}

namespace sgbench {
namespace {

// ---- simdgrad ------------------------------------------------------------------

typedef void (*UnaryKernel)(size_t n, const float *x, float *y);
typedef void (*BinaryKernel)(size_t n, const float *a, const float *b, float *out);

// The element-wise kernels of the registry (src/kernels.h), with their peers
// (space-separated benchmark names). Each is its member of an ISA's table
// (struct sg_table), so a benchmark takes the kernel from sg_table_for(isa)
// and times it without the process-wide sg_set_isa().
struct MapKernel {
  const char *name;
  UnaryKernel sg_table::*unary;    // MAP1
  BinaryKernel sg_table::*binary;  // MAP2
  const char *peers;
};
#define SG_BENCH_MAP1(name, peers) {#name, &sg_table::name, nullptr, peers},
#define SG_BENCH_MAP2(name, peers) {#name, nullptr, &sg_table::name, peers},
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

// isa's table, or nullptr with the benchmark marked skipped when this CPU or
// build cannot run it.
const sg_table *table_of(benchmark::State &state, sg_isa isa) {
  const sg_table *t = sg_table_for(isa);
  if (!t) state.SkipWithError("ISA not supported by this CPU (or not built)");
  return t;
}

// An element-wise kernel (sigmoid, tanh_backward, ...) of isa's table. The
// table's kernels assume n > 0 (the public entry points check it): every
// size here is at least 2^10.
void bm_unary(benchmark::State &state, sg_isa isa, UnaryKernel sg_table::*kernel) {
  if (const sg_table *t = table_of(state, isa)) run_elementwise(state, t->*kernel);
}

void bm_binary(benchmark::State &state, sg_isa isa, BinaryKernel sg_table::*kernel) {
  if (const sg_table *t = table_of(state, isa)) run_elementwise2(state, t->*kernel);
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

// ---- registration ------------------------------------------------------------------

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

// ---- summary ---------------------------------------------------------------------

// The best ISA of an element-wise kernel at each size, and its ratio to each peer.
void best_vs_peers(const Results &res, std::FILE *out, const char *kernel, const std::vector<std::string> &peers,
                   double ghz) {
  for (int64_t n : {kSmall, kLarge}) {
    std::string sn = std::to_string(n), best_isa;
    double best = 0;
    for (sg_isa isa : isas_of_this_arch()) {
      double v = res.get(std::string(kernel) + "/" + sg_isa_name(isa) + "/" + sn);
      if (v > best) best = v, best_isa = sg_isa_name(isa);
    }
    if (!(best > 0)) continue;
    std::fprintf(out, "  %s n=%s: best simdgrad ISA %s %.3f G/s", kernel, sn.c_str(), best_isa.c_str(),
                 best / 1e9);
    if (ghz > 0) std::fprintf(out, " (%.2f cycles per 16 elements)", 16 * ghz * 1e9 / best);
    std::fprintf(out, "\n");
    for (const std::string &peer : peers) {
      double v = res.get(peer + "/" + sn);
      if (v > 0) std::fprintf(out, "    / %-18s %7.3f G/s = %6.3fx\n", peer.c_str(), v / 1e9, best / v);
    }
  }
}

// The best simdgrad ISA against XNNPACK at 4096 and against memcpy at 2^24,
// and the divider bound.
void sigmoid_summary(const Results &res, std::FILE *out, double ghz) {
  // every element-wise kernel against its peers in the registry; the
  // sigmoids against the streaming-copy probe too (their DRAM-size roof)
  for (const MapKernel &k : kMapKernels) {
    std::vector<std::string> peers = split_words(k.peers);
    if (std::strncmp(k.name, "sigmoid", 7) == 0 && !k.binary) peers.push_back("stream_copy/avx512");
    best_vs_peers(res, out, k.name, peers, ghz);
  }
  for (sg_isa isa : isas_of_this_arch()) {
    double v = res.get(std::string("sigmoid_latency/") + sg_isa_name(isa));
    if (!(v > 0)) continue;
    std::fprintf(out, "  sigmoid latency (%s): %.1f ns per dependent call on 32 floats", sg_isa_name(isa), 1e9 / v);
    if (ghz > 0) std::fprintf(out, " = %.0f cycles", ghz * 1e9 / v);
    std::fprintf(out, "\n");
  }
  for (auto probe : {std::make_pair("avx512", 16), std::make_pair("avx2", 8)}) {
    double v = res.get(std::string("divps_throughput/") + probe.first);
    if (!(v > 0)) continue;
    double per_div = v / probe.second;  // instructions per second
    std::fprintf(out, "  divider (%s): %.3f G vdivps/s", probe.first, per_div / 1e9);
    if (ghz > 0) std::fprintf(out, " = %.2f cycles each", ghz * 1e9 / per_div);
    std::fprintf(out, "; a kernel with one division per element is bounded by %.2f G/s\n", v / 1e9);
  }
}

bool elementwise_ran(const Results &res) {
  bool ran = res.ran("divps_throughput/");
  for (const MapKernel &k : kMapKernels) ran = ran || res.ran(k.name + std::string("/"));
  return ran;
}

// x, dy and y of every size (sizes_fit).
// The threads set: the precise sigmoid at 2^24 through the public entry
// point (which splits it among threads), and the copy of as many bytes by as
// many threads, each its run of the array: the roof of a memory-bound kernel.
void bm_copy_threads(benchmark::State &state, int threads) {
  run_elementwise(state, [threads](size_t n, const float *x, float *y) {
    std::vector<std::thread> pool;
    size_t per = (n + size_t(threads) - 1) / size_t(threads);
    for (int t = 0; t < threads; t++) {
      size_t lo = std::min(n, size_t(t) * per), hi = std::min(n, lo + per);
      pool.emplace_back([=]() { std::memcpy(y + lo, x + lo, (hi - lo) * sizeof(float)); });
    }
    for (std::thread &p : pool) p.join();
  });
}

void bm_sigmoid_threads(benchmark::State &state, int threads) {
  ThreadsFor t(threads);
  run_elementwise(state, sg_sigmoid);
}

double elementwise_memory() {
  double need = 0;
  for (int64_t n : elementwise_sizes()) need += 12.0 * double(n);
  return need;
}

}  // namespace

void register_elementwise_threads() {
  for (int t : thread_counts()) {
    add("threads/simdgrad/sigmoid/" + std::to_string(t), bm_sigmoid_threads, t)->Arg(kLarge)->UseRealTime();
    add("threads/memcpy/copy/" + std::to_string(t), bm_copy_threads, t)->Arg(kLarge)->UseRealTime();
  }
}

const BenchSet kElementwiseSet = {"elementwise", register_elementwise_set, sigmoid_summary, elementwise_ran,
                                  elementwise_memory};

}  // namespace sgbench
