// SPDX-License-Identifier: BSD-3-Clause
// The softmax set: softmax, log_softmax, softmax_xent and the backward
// kernels on each ISA (forced with sg_set_isa()) at 256x10, 256x1000 and
// 64x32768, against XNNPACK's and oneDNN's softmax, the compiler's loop and
// memcpy; and its summary.
#include <config.h>

#include <cstdio>
#include <cstring>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "driver.h"

namespace sgbench {
namespace {

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

// ---- registration ------------------------------------------------------------------

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

// ---- summary ---------------------------------------------------------------------

// The best ISA against XNNPACK's softmax at each shape, against memcpy at
// 64x32768, and the passes over memory.
void softmax_summary(const Results &res, std::FILE *out, double /*ghz*/) {
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
        double v = res.get(std::string(k) + "/" + sg_isa_name(isa) + "/" + sn);
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
        double best = best_of(res, k, sn, &isa), dnnl = res.get("onednn_" + k + "/" + sn);
        if (best > 0 && dnnl > 0)
          std::fprintf(out, "  %s %s: best simdgrad ISA %s %.3f G/s / onednn %.3f G/s = %.3fx\n", k.c_str(),
                       sn.c_str(), isa.c_str(), best / 1e9, dnnl / 1e9, best / dnnl);
      }
  for (auto shape : kSoftmaxShapes) {
    std::string sn = shape_name(shape.first, shape.second), isa;
    double best = best_of(res, "softmax", sn, &isa);
    if (!(best > 0)) continue;
    std::fprintf(out, "  softmax %s: best simdgrad ISA %s %.3f G/s\n", sn.c_str(), isa.c_str(), best / 1e9);
    for (const char *peer : {"xnnpack_softmax", "autovec_softmax", "memcpy"}) {
      double v = res.get(std::string(peer) + "/" + sn);
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
  double best = best_of(res, "softmax", big, &isa), xnn = res.get("xnnpack_softmax/" + big),
         mem = res.get("memcpy/" + big);
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

bool softmax_ran(const Results &res) {
  return res.ran("softmax/") || res.ran("xnnpack_softmax/") || res.ran("log_softmax/") || res.ran("softmax_xent/") ||
         res.ran("softmax_backward/");
}

// The arrays of every shape (sizes_fit).
double softmax_memory() {
  double need = 0;
  for (auto sh : softmax_shapes()) need += 24.0 * double(sh.first) * double(sh.second);
  return need;
}

// The threads set: softmax at 64x32768 (8 MiB, out of L2) on `threads`
// threads, simdgrad's best ISA or oneDNN.
void bm_softmax_threads(benchmark::State &state, bool onednn, int threads) {
  ThreadsFor t(threads);
  if (onednn) bm_onednn_softmax(state, false, false, 64, 32768);
  else bm_row_kernel(state, RowKernel::softmax, sg_active_isa(), 64, 32768);
}

}  // namespace

void register_softmax_threads() {
  for (int t : thread_counts()) {
    add("threads/simdgrad/softmax/" + std::to_string(t) + "/64x32768", bm_softmax_threads, false, t)->UseRealTime();
    add("threads/onednn/softmax/" + std::to_string(t) + "/64x32768", bm_softmax_threads, true, t)->UseRealTime();
  }
}

const BenchSet kSoftmaxSet = {"softmax", register_softmax_set, softmax_summary, softmax_ran, softmax_memory};

}  // namespace sgbench
