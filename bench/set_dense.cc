// SPDX-License-Identifier: BSD-3-Clause
// The dense set: sg_dense_forward, dW and dX of sg_dense_backward and
// sg_outer on each ISA (forced with sg_set_isa()), against single-threaded
// OpenBLAS, oneDNN's inner products, XNNPACK's fully-connected operator and
// the core's FMA peak; and its summary.
#include <config.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "driver.h"

namespace sgbench {
namespace {

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

// ---- registration ------------------------------------------------------------------

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

// ---- the threads set -------------------------------------------------------------

// The MLP's large layer at its two batches, and the large square product.
const DenseShape kThreadShapes[] = {{32, 784, 100}, {256, 784, 100}, {1024, 1024, 1024}};
enum class Library { simdgrad, openblas, onednn };

// One library on `threads` threads: simdgrad's best ISA, OpenBLAS, oneDNN
// in simdgrad's layouts.
void bm_dense_threads(benchmark::State &state, Library lib, DenseOp op, DenseShape s, int threads) {
  ThreadsFor t(threads);
  switch (lib) {
  case Library::simdgrad: bm_dense(state, op, sg_active_isa(), s); break;
  case Library::openblas: bm_blas_dense(state, op, s); break;
  case Library::onednn: bm_onednn_dense(state, op, false, s); break;
  }
}

}  // namespace

void register_dense_threads() {
  const std::pair<Library, const char *> libs[] = {
      {Library::simdgrad, "simdgrad"}, {Library::onednn, "onednn"}, {Library::openblas, "openblas"}};
  for (auto op : kDenseOps)
    for (const DenseShape &s : kThreadShapes)
      for (int t : thread_counts())
        for (auto lib : libs)
          add(std::string("threads/") + lib.second + "/dense_" + op.second + "/" + std::to_string(t) + "/" +
                  dense_shape_name(s),
              bm_dense_threads, lib.first, op.first, s, t)
              ->UseRealTime();
}

namespace {

// ---- summary ---------------------------------------------------------------------

// Per product and shape: GFLOP/s of each ISA and each peer, the best ISA
// and the peers as a fraction of the core's FMA peak (the faster of
// fma_peak/avx512 and fma_peak/avx2); then the best ISA over each peer,
// then oneDNN's reorders.
void dense_summary(const Results &res, std::FILE *out, double ghz) {
  double peak = 0;
  std::fprintf(out, "  dense set (GFLOP/s = 1e9 flops/s; 2*batch*in*out flops per product, 2*m*n per outer product):\n");
  for (const char *p : {"avx512", "avx2"}) {
    double v = res.get(std::string("fma_peak/") + p);
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
  auto rate = [&](const std::string &name) { return name.empty() ? 0.0 : res.get(name); };
  // A row's figures: the best ISA and each peer's GFLOP/s, 0 where not measured.
  struct Rates {
    std::string isa;
    double best, blas, plain, any, xnn, dnnl;
  };
  auto rates_of = [&](const Row &r) {
    Rates v;
    v.best = best_of(res, r.kernel, r.sn, &v.isa);
    v.blas = rate(r.blas), v.plain = rate(r.plain), v.any = rate(r.any), v.xnn = rate(r.xnn);
    v.dnnl = std::max(v.plain, v.any);
    return v;
  };
  std::vector<sg_isa> isas;  // the ISAs measured (scalar only with --full)
  for (sg_isa isa : isas_of_this_arch())
    for (const Row &r : rows)
      if (res.get(r.kernel + "/" + sg_isa_name(isa) + "/" + r.sn) > 0) {
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
      double v = res.get(r.kernel + "/" + sg_isa_name(i) + "/" + r.sn);
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
      std::string label = name.empty() ? std::string() : res.label(name);
      if (label.empty()) continue;
      if (!header)
        std::fprintf(out, "  oneDNN's implementation per job, and for dnnl_any the reorders of simdgrad's buffers\n"
                          "  into (out of) its layouts, run outside the timed loop (one call of all of them):\n");
      header = true;
      double us = res.get(name + "#reorder_us");
      std::fprintf(out, "    %-32s %s", name.c_str(), label.c_str());
      if (us > 0) std::fprintf(out, " (reorder %.1f us)", us);
      std::fprintf(out, "\n");
    }
  }
}

bool dense_ran(const Results &res) {
  return res.ran("dense_") || res.ran("openblas_") || res.ran("onednn_plain_") || res.ran("onednn_any_") ||
         res.ran("xnnpack_fc_") || res.ran("outer/") || res.ran("fma_peak/");
}

double dense_memory() {
  double need = 0;
  // X, W, dY, their outputs, and oneDNN's copies in its own layouts
  for (const DenseShape &d : kDenseShapes)
    need += 12.0 * (double(d.batch) * d.in + double(d.in) * d.out + double(d.batch) * d.out);
  for (auto sh : kOuterShapes) need += 4.0 * (double(sh.first) * double(sh.second) + sh.first + sh.second);
  return need;
}

}  // namespace

const BenchSet kDenseSet = {"dense", register_dense_set, dense_summary, dense_ran, dense_memory};

}  // namespace sgbench
