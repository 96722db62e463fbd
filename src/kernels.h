/* SPDX-License-Identifier: BSD-3-Clause */
/* The kernel registry: every dispatched kernel once, and everything that is
 * said of it. The dispatch table and its public entry points
 * (src/dispatch.c), every ISA's kernels and table (simd/<arch>/<isa>/), the
 * tests' lists and bounds (verify/), the fuzz cases, the benchmarks and
 * their peers (bench/; bench/merge-results.pl reads this file) come from
 * this list: adding a kernel is a line here, its scalar twin in src/, its
 * vector body in simd/common/ and, for the tests, its oracle
 * (docs/adding-a-kernel.md).
 *
 * SG_KERNELS(X) calls X(name, shape, bound, lo, hi, oracle, peers) for each:
 *   name    the entry: the public function is sg_<name>, ISA isa's kernel
 *           sg_<name>_<isa>, the table member <name>;
 *   shape   the parameter list and how the kernel is run: SG_SHAPE_<shape>
 *           below; MAP1 and MAP2 kernels are element-wise (a vector
 *           function v_<name> in simd/common/ makes them on every ISA);
 *   bound   the promised max error in ULPs of the float result (0: exact,
 *           bit for bit against its definition), checked over all 2^32
 *           inputs for MAP1/MAP2 (make check-exhaustive) and random and
 *           adversarial sets otherwise; the header states it again, with
 *           its fine print, above the function;
 *   lo, hi  the inputs (the first argument) the bound is stated for: a
 *           backward kernel's y must be its function's output;
 *   oracle  the exact function the tests hold it against (verify/oracle.h:
 *           sg_exact_<oracle>), shared by a kernel and its fast tier;
 *   peers   the benchmarks it is compared with, in the same run (bench/),
 *           in the order the report lists them; for an entry benchmarked as
 *           several products, "product: peers; product: peers". */
#ifndef SG_KERNELS_H
#define SG_KERNELS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define SG_KERNELS(X)                                                                                  \
  X(sigmoid, MAP1, 1.5, -INFINITY, INFINITY, sigmoid,                                                  \
    "xnnpack_sigmoid onednn_sigmoid sleef_expf16_loop sleef_expf8_loop libm_sigmoid autovec_sigmoid memcpy") \
  X(sigmoid_backward, MAP2, 1.5, 0.0, 1.0, sigmoid_backward, "onednn_sigmoid_backward memcpy")          \
  X(tanh, MAP1, 1.0, -INFINITY, INFINITY, tanh,                                                        \
    "onednn_tanh sleef_tanhf16_loop sleef_tanhf8_loop libm_tanh autovec_tanh memcpy")                 \
  X(tanh_backward, MAP2, 1.5, -1.0, 1.0, tanh_backward, "onednn_tanh_backward memcpy")                 \
  X(sigmoid_fast, MAP1, 2.5, -INFINITY, INFINITY, sigmoid,                                             \
    "xnnpack_sigmoid onednn_sigmoid sleef_expf16_loop sleef_expf8_loop libm_sigmoid autovec_sigmoid memcpy") \
  X(tanh_fast, MAP1, 2.0, -INFINITY, INFINITY, tanh,                                                   \
    "onednn_tanh sleef_tanhf16_loop sleef_tanhf8_loop libm_tanh autovec_tanh memcpy")                 \
  X(relu, MAP1, 0.0, -INFINITY, INFINITY, relu, "autovec_relu memcpy")                                 \
  X(relu_backward, MAP2, 0.0, -INFINITY, INFINITY, relu_backward, "memcpy")                            \
  X(silu, MAP1, 1.5, -INFINITY, INFINITY, silu, "onednn_swish autovec_silu memcpy")                    \
  X(silu_backward, MAP2, 2.0, -87.0, INFINITY, silu_backward, "onednn_swish_backward memcpy")         \
  X(softmax, ROWS1, 2.0, -INFINITY, INFINITY, softmax,                                                 \
    "xnnpack_softmax onednn_softmax autovec_softmax memcpy")                                           \
  X(log_softmax, ROWS1, 1.5, -INFINITY, INFINITY, log_softmax, "onednn_log_softmax memcpy")            \
  X(softmax_backward, ROWS2, 2.0, -INFINITY, INFINITY, softmax_backward, "onednn_softmax_backward memcpy") \
  X(log_softmax_backward, ROWS2, 2.0, -INFINITY, INFINITY, log_softmax_backward,                       \
    "onednn_log_softmax_backward memcpy")                                                              \
  X(softmax_xent, XENT, 2.0, -INFINITY, INFINITY, softmax_xent, "memcpy")                              \
  X(dense_forward, DENSE_FORWARD, 0.0, -INFINITY, INFINITY, dense_forward,                             \
    "openblas_forward onednn_plain_forward onednn_any_forward xnnpack_fc_forward")                     \
  X(dense_backward, DENSE_BACKWARD, 0.0, -INFINITY, INFINITY, dense_backward,                          \
    "dW: openblas_dW onednn_plain_dW onednn_any_dW; dX: openblas_dX onednn_plain_dX onednn_any_dX")    \
  X(outer, OUTER, 0.0, -INFINITY, INFINITY, outer, "openblas_sger")

/* The shapes: each one's parameter list (the table's function type). */
#define SG_SHAPE_MAP1 (size_t n, const float *x, float *y)
#define SG_SHAPE_MAP2 (size_t n, const float *a, const float *b, float *out)
#define SG_SHAPE_ROWS1 (size_t rows, size_t cols, const float *x, float *y)
#define SG_SHAPE_ROWS2 (size_t rows, size_t cols, const float *y, const float *dy, float *dx)
/* softmax_xent's kernel writes each row's loss (row_loss[r], in double) for
 * its caller to sum in row order, and scales delta by inv_rows, 1/rows of
 * the whole call: the rows can be split among threads */
#define SG_SHAPE_XENT                                                                              \
  (size_t rows, size_t cols, const float *logits, const uint32_t *labels, float *probs, float *delta, \
   double inv_rows, double *row_loss)
#define SG_SHAPE_DENSE_FORWARD                                                                      \
  (size_t batch, size_t in, size_t out, const float *X, const float *W, const float *bias, float *Y)
#define SG_SHAPE_DENSE_BACKWARD                                                                     \
  (size_t batch, size_t in, size_t out, const float *X, const float *W, const float *dY, float *dW, \
   float *db, float *dX)
#define SG_SHAPE_OUTER (size_t m, size_t n, float alpha, const float *x, const float *y, float *A, size_t lda)

/* A consumer picks kernels by shape through token pasting: its X expands
 * to MY_##shape(name), and it defines MY_MAP1, MY_MAP2, ... (empty for the
 * shapes it skips). */

#endif
