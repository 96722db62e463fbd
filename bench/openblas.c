/* SPDX-License-Identifier: BSD-3-Clause */
/* The OpenBLAS peer of the dense set (only with SG_BENCH_OPENBLAS): the
 * dense layer's three products as row-major cblas_sgemm calls and the outer
 * product as cblas_sger, single-threaded. Kept in C so the C++ shim never
 * includes cblas.h. Shapes as in simdgrad.h: X batch x in, W in x out,
 * Y, dY batch x out, dW in x out, dX batch x in. */
#include <config.h>

#include <cblas.h>

#include "bench.h"

/* Not in every cblas.h (Debian's has them; the reference CBLAS header does
 * not): OpenBLAS's own extensions. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
char *openblas_get_corename(void);

void bench_blas_single_thread(void) { openblas_set_num_threads(1); }
void bench_blas_set_threads(int n) { openblas_set_num_threads(n); }
int bench_blas_threads(void) { return openblas_get_num_threads(); }
const char *bench_blas_config(void) { return openblas_get_config(); }
const char *bench_blas_corename(void) { return openblas_get_corename(); }

/* Y = X W */
void bench_blas_forward(size_t batch, size_t in, size_t out, const float *X, const float *W, float *Y) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)batch, (int)out, (int)in, 1.0f, X, (int)in, W,
              (int)out, 0.0f, Y, (int)out);
}

/* dW = X^T dY */
void bench_blas_dW(size_t batch, size_t in, size_t out, const float *X, const float *dY, float *dW) {
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)in, (int)out, (int)batch, 1.0f, X, (int)in, dY,
              (int)out, 0.0f, dW, (int)out);
}

/* dX = dY W^T */
void bench_blas_dX(size_t batch, size_t in, size_t out, const float *W, const float *dY, float *dX) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)batch, (int)in, (int)out, 1.0f, dY, (int)out, W,
              (int)out, 0.0f, dX, (int)in);
}

/* A += alpha x y^T, A m x n with leading dimension lda */
void bench_blas_sger(size_t m, size_t n, float alpha, const float *x, const float *y, float *A, size_t lda) {
  cblas_sger(CblasRowMajor, (int)m, (int)n, alpha, x, 1, y, 1, A, (int)lda);
}
