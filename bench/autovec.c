/* SPDX-License-Identifier: BSD-3-Clause */
/* The compiler's own vectorisation as a peer: the plain loops a user writes,
 * compiled with -O3 -march=native -ffast-math (bench/local.mk), so GCC
 * vectorises them for this machine and calls glibc's vector expf / tanhf
 * (libmvec, declared under __FAST_MATH__). -ffast-math also lets it reorder
 * the softmax sums, which no bit-reproducible kernel may do: the peer is
 * what a compiler gives when accuracy and reproducibility are not asked for. */
#include <config.h>

/* The user's CFLAGS (-O2 by default) come after the per-target -O3 on the
 * command line and would win; the file-wide attribute keeps -O3. */
#pragma GCC optimize("O3")

#include <math.h>

#include "bench.h"

void bench_autovec_sigmoid(size_t n, const float *restrict x, float *restrict y) {
  for (size_t i = 0; i < n; i++) y[i] = 1.0f / (1.0f + expf(-x[i]));
}

void bench_autovec_tanh(size_t n, const float *restrict x, float *restrict y) {
  for (size_t i = 0; i < n; i++) y[i] = tanhf(x[i]);
}

void bench_autovec_relu(size_t n, const float *restrict x, float *restrict y) {
  for (size_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void bench_autovec_silu(size_t n, const float *restrict x, float *restrict y) {
  for (size_t i = 0; i < n; i++) y[i] = x[i] / (1.0f + expf(-x[i]));
}

/* Three passes per row, as the library's kernel and XNNPACK make them. */
void bench_autovec_softmax(size_t rows, size_t cols, const float *restrict x, float *restrict y) {
  for (size_t r = 0; r < rows; r++) {
    const float *xr = x + r * cols;
    float *yr = y + r * cols;
    float m = xr[0], sum = 0.0f;
    for (size_t c = 1; c < cols; c++) m = xr[c] > m ? xr[c] : m;
    for (size_t c = 0; c < cols; c++) {
      yr[c] = expf(xr[c] - m);
      sum += yr[c];
    }
    float inv = 1.0f / sum;
    for (size_t c = 0; c < cols; c++) yr[c] *= inv;
  }
}

/* The widest vector ISA -march=native gave this file (GCC 12 knows Zen 4 at
 * most, so a newer CPU may get less than it has). */
const char *bench_autovec_target(void) {
#if defined(__AVX512F__)
  return "avx512f";
#elif defined(__AVX2__)
  return "avx2";
#elif defined(__AVX__)
  return "avx";
#elif defined(__ARM_NEON)
  return "neon";
#else
  return "sse2 or none";
#endif
}
