/* SPDX-License-Identifier: BSD-3-Clause */
/* Scalar reference kernels for the ReLU: the definition every ISA must match
 * bit for bit (simd/common/relu.h in each ISA's elementwise.c). Both are
 * selects, no arithmetic, so they are exact: relu(x) = x for x > 0 and for a
 * NaN (passed through with its bits, as the frameworks propagate it), +0 for
 * every other x (-0 included); relu'(x) dy = dy where x > 0, else +0 (a NaN x
 * has no slope: +0, as dy * (x > 0) gives in the frameworks). */
#include <config.h>

#include "internal.h"

void sg_relu_scalar(size_t n, const float *x, float *y) {
  for (size_t i = 0; i < n; i++) y[i] = x[i] <= 0.0f ? 0.0f : x[i];
}

void sg_relu_backward_scalar(size_t n, const float *x, const float *dy, float *dx) {
  for (size_t i = 0; i < n; i++) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}
