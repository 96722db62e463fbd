/* SPDX-License-Identifier: BSD-3-Clause */
/* make bench-accuracy: every implementation of the sigmoid and tanh that the
 * element-wise set times (simdgrad's two tiers on the best ISA, XNNPACK,
 * oneDNN, SLEEF, the compiler's fast-math loops, libm), measured the way
 * make check-exhaustive measures simdgrad's: every one of the 2^32 inputs
 * against the exact value in double. Per implementation, one TSV line:
 *   max_ulp     the largest error, in ULPs of the float result, where the
 *               exact result is a normal float (|y| >= 2^-126);
 *   worst_x     the input where it occurs;
 *   tiny_max_ulp the largest error where the exact result is below 2^-126
 *               (subnormal ULPs), results flushed to zero included;
 *   flushed     inputs whose exact result rounds to a nonzero float
 *               (|y| > 2^-150) but that gave 0;
 *   nan_out     non-NaN inputs (infinities included) that gave NaN;
 *   first_nan_x the first of them, in bit order from 0.
 * Implementation names are those of the benchmarks, so the figures join the
 * speed results (bench/results/<cpu>/elementwise.json). Single-threaded:
 * the peers' operators are made once, for one buffer. */
#include <config.h>

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "simdgrad.h"

#define CHUNK ((size_t)1 << 16)

typedef void (*unary_fn)(size_t n, const float *x, float *y);

#ifdef SG_BENCH_XNNPACK
/* XNNPACK's operator over one row of CHUNK channels, set up once for the
 * buffers the sweep uses throughout. */
static void xnnpack_sigmoid(size_t n, const float *x, float *y) {
  static void *op;
  const char *err = NULL;
  if (!op) {
    err = bench_xnn_init();
    if (!err) err = bench_xnn_sigmoid_create(n, &op);
    if (!err) err = bench_xnn_sigmoid_setup(op, 1, x, y);
  }
  if (!err) err = bench_xnn_run(op);
  if (err) fprintf(stderr, "bench-accuracy: XNNPACK: %s\n", err), exit(1);
}
#endif

#ifdef SG_BENCH_ONEDNN
static void onednn(int tanh, size_t n, const float *x, float *y) {
  static struct bench_dnnl_op *job[2];
  const char *err = NULL;
  if (!job[tanh]) err = bench_dnnl_eltwise_create(tanh, 0, n, x, NULL, y, &job[tanh]);
  if (!err) err = bench_dnnl_op_run(job[tanh]);
  if (err) fprintf(stderr, "bench-accuracy: oneDNN: %s\n", err), exit(1);
}
static void onednn_sigmoid(size_t n, const float *x, float *y) { onednn(0, n, x, y); }
static void onednn_tanh(size_t n, const float *x, float *y) { onednn(1, n, x, y); }
#endif

struct impl {
  char name[48];
  unary_fn f;
  double max_ulp, tiny_max_ulp;
  uint32_t worst, first_nan;
  uint64_t flushed, nan_out;
};

static double sigmoid_exact(double x) { return 1.0 / (1.0 + exp(-x)); }

/* The ULP of the float nearest the exact value e (the subnormal spacing
 * 2^-149 below 2^-126), once per input for every implementation. */
static double ulp_of(double e) {
  double a = fabs(e);
  return a < FLT_MIN ? 0x1p-149 : ldexp(1.0, ilogb(a < FLT_MAX ? a : FLT_MAX) - 23);
}

static void sweep(const char *function, double (*exact)(double), struct impl *impls, int n) {
  float *x = malloc(CHUNK * sizeof *x), *y = malloc(CHUNK * sizeof *y);
  double *e = malloc(CHUNK * sizeof *e), *ulp = malloc(CHUNK * sizeof *ulp);
  if (!x || !y || !e || !ulp) fprintf(stderr, "bench-accuracy: out of memory\n"), exit(1);
  for (uint64_t c = 0; c < ((uint64_t)1 << 32) / CHUNK; c++) {
    for (size_t i = 0; i < CHUNK; i++) {
      uint32_t u = (uint32_t)(c * CHUNK + i);
      memcpy(&x[i], &u, sizeof u);
      e[i] = exact((double)x[i]);
      ulp[i] = ulp_of(e[i]);
    }
    for (int k = 0; k < n; k++) {
      struct impl *m = &impls[k];
      m->f(CHUNK, x, y);
      for (size_t i = 0; i < CHUNK; i++) {
        if (isnan(x[i])) continue;
        uint32_t u = (uint32_t)(c * CHUNK + i);
        if (isnan(y[i])) {
          if (!m->nan_out++) m->first_nan = u;
          continue;
        }
        double err = fabs((double)y[i] - e[i]) / ulp[i];
        if (fabs(e[i]) >= FLT_MIN) {
          if (err > m->max_ulp) m->max_ulp = err, m->worst = u;
        } else {
          if (err > m->tiny_max_ulp) m->tiny_max_ulp = err;
          m->flushed += y[i] == 0.0f && fabs(e[i]) > 0x1p-150;
        }
      }
    }
    if (c % 4096 == 0) fprintf(stderr, "\rbench-accuracy: %s %3.0f%%", function, 100.0 * c / 65536);
  }
  fprintf(stderr, "\r");
  for (int k = 0; k < n; k++) {
    struct impl *m = &impls[k];
    float w;
    memcpy(&w, &m->worst, sizeof w);
    printf("%s\t%s\t%.4f\t%a\t%.4f\t%" PRIu64 "\t%" PRIu64 "\t", function, m->name, m->max_ulp, w, m->tiny_max_ulp,
           m->flushed, m->nan_out);
    if (m->nan_out) {
      float f;
      memcpy(&f, &m->first_nan, sizeof f);
      printf("%a\n", f);
    } else {
      printf("-\n");
    }
    fflush(stdout);
  }
  free(x), free(y), free(e), free(ulp);
}

/* FUNCTION (sigmoid or tanh) sweeps only that one; the header line is
 * printed unless FUNCTION is given, so two runs can share the work. */
int main(int argc, char **argv) {
  const char *only = argc > 1 ? argv[1] : NULL;
  if (only && strcmp(only, "sigmoid") && strcmp(only, "tanh")) {
    fprintf(stderr, "usage: bench/accuracy [sigmoid|tanh]\n");
    return 2;
  }
  const char *isa = sg_isa_name(sg_active_isa());
  struct impl sig[8], th[8];
  int ns = 0, nt = 0;
  memset(sig, 0, sizeof sig), memset(th, 0, sizeof th);
#define ADD(list, count, label, fn) (snprintf(list[count].name, sizeof list[count].name, "%s", label), list[count++].f = (fn))
  char name[48];
  snprintf(name, sizeof name, "sigmoid/%s", isa), ADD(sig, ns, name, sg_sigmoid);
  snprintf(name, sizeof name, "sigmoid_fast/%s", isa), ADD(sig, ns, name, sg_sigmoid_fast);
  snprintf(name, sizeof name, "tanh/%s", isa), ADD(th, nt, name, sg_tanh);
  snprintf(name, sizeof name, "tanh_fast/%s", isa), ADD(th, nt, name, sg_tanh_fast);
#ifdef SG_BENCH_XNNPACK
  ADD(sig, ns, "xnnpack_sigmoid", xnnpack_sigmoid);
#endif
#ifdef SG_BENCH_ONEDNN
  ADD(sig, ns, "onednn_sigmoid", onednn_sigmoid);
  ADD(th, nt, "onednn_tanh", onednn_tanh);
#endif
#if defined(SG_BENCH_SLEEF) && SG_HAVE_AVX512
  if (sg_isa_supported(SG_ISA_AVX512)) {
    ADD(sig, ns, "sleef_expf16_loop", bench_sleef_expf16_sigmoid);
    ADD(th, nt, "sleef_tanhf16_loop", bench_sleef_tanhf16);
  }
#endif
  ADD(sig, ns, "autovec_sigmoid", bench_autovec_sigmoid);
  ADD(th, nt, "autovec_tanh", bench_autovec_tanh);
  ADD(sig, ns, "libm_sigmoid", bench_libm_sigmoid);
  ADD(th, nt, "libm_tanh", bench_libm_tanh);
#undef ADD
  if (!only) printf("function\timpl\tmax_ulp\tworst_x\ttiny_max_ulp\tflushed\tnan_out\tfirst_nan_x\n");
  if (!only || !strcmp(only, "sigmoid")) sweep("sigmoid", sigmoid_exact, sig, ns);
  if (!only || !strcmp(only, "tanh")) sweep("tanh", tanh, th, nt);
  return 0;
}
