/* SPDX-License-Identifier: BSD-3-Clause */
/* Scalar reference kernels for the dense layer and the outer product: the
 * definition every ISA must match bit for bit (simd/<arch>/<isa>/dense.c via
 * simd/common/dense.h). Compiled with -ffp-contract=off; every multiply-add
 * below is an explicit fmaf, nothing else rounds.
 *
 * Bit-identity rules (W is in x out, X batch x in, dY and Y batch x out, all
 * row-major and contiguous):
 *   forward   Y[b][o]  = one FMA chain over i = 0, 1, ..., in-1:
 *                        acc = bias[o] (+0 when bias is NULL);
 *                        acc = fmaf(X[b][i], W[i][o], acc)
 *             (the bias starts the chain: no extra rounding for it).
 *   dW        dW[i][o] = one FMA chain over b = 0, ..., batch-1 from +0:
 *                        acc = fmaf(X[b][i], dY[b][o], acc).
 *             dW is OVERWRITTEN, not accumulated into.
 *   db        db[o]    = +0 + dY[0][o] + dY[1][o] + ... (plain adds, in
 *                        increasing b; the same as an FMA chain with 1).
 *   dX        dX[b][i] = one FMA chain over o = 0, ..., out-1 from +0:
 *                        acc = fmaf(dY[b][o], W[i][o], acc).
 *   outer     A[i][j]  = fmaf(ax, y[j], A[i][j]) with ax = alpha * x[i]
 *             rounded first (as the reference BLAS sger does).
 * The order of the two factors of a product does not change its value, so
 * the rules fix every bit of every finite result. A NaN output is 0x7fc00000
 * on every ISA (SG_DEFAULT_NAN, by sg_canon_nan as it is stored): hardware
 * FMA chooses among NaN operands by an operand order that differs between
 * instruction forms, and makes up a default NaN of its own (x86 0xffc00000,
 * Arm 0x7fc00000) from inf*0 or inf - inf. A NaN stays NaN through every
 * later step of its chain, so only the final value needs it (the vector
 * kernels may also canonicalise the partial chains they store between K
 * blocks). Finite inputs never give a NaN unless they overflow to inf - inf.
 *
 * Sizes (handled in src/dispatch.c, so the kernels see only non-empty ones):
 * every output whose shape is non-empty is written whole; an empty reduction
 * gives its starting value. So forward with in == 0 writes Y = bias (or +0;
 * a NaN bias as 0x7fc00000); backward with batch == 0 writes dW = 0 and
 * db = 0, with out == 0 writes dX = 0; a NULL output is skipped and its
 * inputs need not exist (X may be NULL when dW is, W when dX is). sg_outer
 * with m == 0, n == 0 or alpha == 0 touches nothing (the BLAS quick return;
 * x and y are not read). Outputs must not overlap the inputs. */
#include <config.h>

#include <math.h>

#include "internal.h"
#include "scalar_math.h"

void sg_dense_forward_scalar(size_t batch, size_t in, size_t out, const float *X, const float *W,
                             const float *bias, float *Y) {
  /* Row b of Y holds the out chains of sample b while i advances: the same
   * chains as the rule, in a cache-friendly loop order. */
  for (size_t b = 0; b < batch; b++) {
    float *y = Y + b * out;
    for (size_t o = 0; o < out; o++) y[o] = bias ? bias[o] : 0.0f;
    for (size_t i = 0; i < in; i++) {
      float x = X[b * in + i];
      const float *w = W + i * out;
      for (size_t o = 0; o < out; o++) y[o] = fmaf(x, w[o], y[o]);
    }
    for (size_t o = 0; o < out; o++) y[o] = sg_canon_nan(y[o]);
  }
}

void sg_dense_backward_scalar(size_t batch, size_t in, size_t out, const float *X, const float *W,
                              const float *dY, float *dW, float *db, float *dX) {
  if (dW) {
    for (size_t k = 0; k < in * out; k++) dW[k] = 0.0f;
    for (size_t b = 0; b < batch; b++) {
      const float *dy = dY + b * out;
      for (size_t i = 0; i < in; i++) {
        float x = X[b * in + i];
        float *dw = dW + i * out;
        for (size_t o = 0; o < out; o++) dw[o] = fmaf(x, dy[o], dw[o]);
      }
    }
    for (size_t k = 0; k < in * out; k++) dW[k] = sg_canon_nan(dW[k]);
  }
  if (db) {
    for (size_t o = 0; o < out; o++) db[o] = 0.0f;
    for (size_t b = 0; b < batch; b++)
      for (size_t o = 0; o < out; o++) db[o] = db[o] + dY[b * out + o];
    for (size_t o = 0; o < out; o++) db[o] = sg_canon_nan(db[o]);
  }
  if (dX) {
    for (size_t b = 0; b < batch; b++)
      for (size_t i = 0; i < in; i++) {
        float acc = 0.0f;
        for (size_t o = 0; o < out; o++) acc = fmaf(dY[b * out + o], W[i * out + o], acc);
        dX[b * in + i] = sg_canon_nan(acc);
      }
  }
}

void sg_outer_scalar(size_t m, size_t n, float alpha, const float *x, const float *y, float *A,
                     size_t lda) {
  for (size_t i = 0; i < m; i++) {
    float ax = alpha * x[i];
    float *row = A + i * lda;
    for (size_t j = 0; j < n; j++) row[j] = sg_canon_nan(fmaf(ax, y[j], row[j]));
  }
}
