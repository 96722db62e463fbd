/* SPDX-License-Identifier: BSD-3-Clause */
/* Losses: scalar on every ISA. They touch each
 * element once with a handful of double operations, so they are a small part
 * of a training step beside the dense layers; doing them in double in one
 * fixed order makes them accurate to one float rounding and gives the same
 * bits everywhere, with no vector twin to keep in step. (This file, like all
 * of src/, is compiled with -ffp-contract=off.) */
#include <config.h>

#include "internal.h"
#include "scalar_math.h"

/* A NaN loss has one pattern on every machine (x86 and Arm make up different
 * default NaNs, and pick differently among NaN operands). */
static float loss_result(double sum, size_t rows) {
  float loss = (float)(sum / (double)rows);
  return isnan(loss) ? sg_from_bits(SG_DEFAULT_NAN) : loss;
}

float sg_mse(size_t rows, size_t cols, const float *y, const float *t, float *delta) {
  if (!sg_shape_ok(rows, cols)) return sg_from_bits(SG_DEFAULT_NAN);
  if (!rows) return 0.0f;
  double sum = 0.0, scale = 2.0 / (double)rows;
  for (size_t i = 0; i < rows * cols; i++) {
    double d = (double)y[i] - (double)t[i]; /* exact unless the exponents are far apart */
    sum += d * d;
    if (delta) delta[i] = sg_mend_nan2((float)(scale * d), y[i], t[i]);
  }
  return loss_result(sum, rows);
}

/* Per element, from the logit u (no log of a rounded a):
 *   -(t log a + (1-t) log(1-a)) = max(u, 0) - t u + log1p(e^-|u|),
 * with a = sigmoid(u) from the library's kernel (the same bits as sg_sigmoid).
 * At u = +-inf that form is inf - inf; the limit is c |u| with c = 1 - t
 * (u = +inf) or t (u = -inf): 0 when the target agrees with the certain
 * prediction, +inf when it does not. */
static double bce_term(double u, double t) {
  if (isinf(u)) {
    double c = u > 0 ? 1.0 - t : t;
    return c == 0.0 ? 0.0 : c * INFINITY; /* NaN t stays NaN */
  }
  return (u > 0 ? u : 0.0) - t * u + log1p(exp(-fabs(u)));
}

float sg_sigmoid_bce(size_t rows, size_t cols, const float *logits, const float *t, float *probs,
                     float *delta) {
  if (!sg_shape_ok(rows, cols)) return sg_from_bits(SG_DEFAULT_NAN);
  if (!rows) return 0.0f;
  double sum = 0.0, scale = 1.0 / (double)rows;
  float a[256];
  for (size_t i0 = 0; i0 < rows * cols; i0 += 256) {
    size_t k = rows * cols - i0 < 256 ? rows * cols - i0 : 256;
    sg_sigmoid(k, logits + i0, a);
    for (size_t j = 0; j < k; j++) {
      double u = logits[i0 + j], tj = t[i0 + j];
      sum += bce_term(u, tj);
      if (probs) probs[i0 + j] = a[j];
      if (delta) delta[i0 + j] = sg_mend_nan2((float)(scale * ((double)a[j] - tj)), a[j], t[i0 + j]);
    }
  }
  return loss_result(sum, rows);
}

