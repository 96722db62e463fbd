/* Losses and the log_softmax gradient: scalar on every ISA. They touch each
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
 * with a = sigmoid(u) from the library's kernel (the same bits as sg_sigmoid). */
float sg_sigmoid_bce(size_t rows, size_t cols, const float *logits, const float *t, float *probs,
                     float *delta) {
  if (!rows) return 0.0f;
  double sum = 0.0, scale = 1.0 / (double)rows;
  float a[256];
  for (size_t i0 = 0; i0 < rows * cols; i0 += 256) {
    size_t k = rows * cols - i0 < 256 ? rows * cols - i0 : 256;
    sg_sigmoid(k, logits + i0, a);
    for (size_t j = 0; j < k; j++) {
      double u = logits[i0 + j], tj = t[i0 + j];
      sum += (u > 0 ? u : 0.0) - tj * u + log1p(exp(-fabs(u)));
      if (probs) probs[i0 + j] = a[j];
      if (delta) delta[i0 + j] = sg_mend_nan2((float)(scale * ((double)a[j] - tj)), a[j], t[i0 + j]);
    }
  }
  return loss_result(sum, rows);
}

/* e^y in double, from the library's float exp parts (not libm's exp, whose
 * last bits may differ between C libraries): (hi + lo) 2^n, y clamped to
 * [-300, 300], where e^y times any float sum is already 0 or inf in float. */
static double exp_of(float y) {
  float t = y < -300.0f ? -300.0f : y > 300.0f ? 300.0f : y;
  struct sg_exp_parts e = sg_exp_parts(t);
  return ldexp((double)e.hi + (double)e.lo, e.n);
}

/* dx = dy - e^y S, S = sum(dy): the row sum in double (sequential), each
 * output rounded once from double. */
void sg_log_softmax_backward(size_t rows, size_t cols, const float *y, const float *dy, float *dx) {
  if (!rows || !cols) return;
  for (size_t r = 0; r < rows; r++) {
    const float *yr = y + r * cols, *dyr = dy + r * cols;
    float *dxr = dx + r * cols;
    double s = 0.0;
    for (size_t c = 0; c < cols; c++) s += dyr[c];
    for (size_t c = 0; c < cols; c++) {
      float yc = yr[c], dyc = dyr[c]; /* read before writing: dx may be dy or y */
      float out = (float)((double)dyc - exp_of(yc) * s);
      dxr[c] = sg_mend_nan2(out, yc, dyc);
    }
  }
}
