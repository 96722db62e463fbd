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

/* e^t = 2^n (1 + m), m = e^r - 1, in double to ~2^-52 relative for t in
 * [-300, 300], from IEEE +, *, / only (no libm exp or expm1, whose last bits
 * differ between C libraries), so the result is the same everywhere.
 * n = rint(t/ln2), r = t - n ln2 with ln2 split so that n*HI is exact (HI has
 * 35 significant bits, |n| <= 433 has 9), |r| <= ln2/2; m = r (1 + r/2 (1 +
 * r/3 (...))) to r^14 (remainder < 0.35^14/14! = 2^-57.6 relative). */
static double exp_reduced(double t, int *n) {
  static const double ln2_hi = 0x1.62e42fefap-1, ln2_lo = 0x1.cf79abc9e3b3ap-40;
  double nf = rint(t * 0x1.71547652b82fep0);
  double r = (t - nf * ln2_hi) - nf * ln2_lo;
  double p = 1.0;
  for (int k = 14; k >= 2; k--) p = 1.0 + p * r / k;
  *n = (int)nf;
  return r * p;
}

/* dx = dy - e^y S per row, S = sum(dy) in double (sequential). For y >= -1/2
 * (a likely class, p = e^y >= 0.6) it is computed as (dy - S) - (e^y - 1) S,
 * e^y - 1 = 2^n m + (2^n - 1) (|n| <= 1, exact): e^y S cancels against dy
 * there, and the usual gradient -onehot/rows makes dy - S exactly 0, so the
 * result is as accurate as e^y - 1 instead of 2^-53 |S| off (2^9 float ULP
 * at 1 - p = 2^-38). Below, e^y = 2^n (1 + m) directly (e^y - 1 would lose
 * a small e^y). Each output is rounded once from double. y is clamped to
 * [-300, 300], where e^y times any float sum is already 0 or inf in float. */
void sg_log_softmax_backward(size_t rows, size_t cols, const float *y, const float *dy, float *dx) {
  if (!sg_shape_ok(rows, cols) || !rows || !cols) return;
  for (size_t r = 0; r < rows; r++) {
    const float *yr = y + r * cols, *dyr = dy + r * cols;
    float *dxr = dx + r * cols;
    double s = 0.0;
    for (size_t c = 0; c < cols; c++) s += dyr[c];
    for (size_t c = 0; c < cols; c++) {
      float yc = yr[c], dyc = dyr[c]; /* read before writing: dx may be dy or y */
      int n;
      double m = exp_reduced(yc < -300.0f ? -300.0 : yc > 300.0f ? 300.0 : yc, &n);
      double out_d = yc >= -0.5f ? ((double)dyc - s) - (ldexp(m, n) + (ldexp(1.0, n) - 1.0)) * s
                                 : (double)dyc - ldexp(1.0 + m, n) * s;
      float out = (float)out_d;
      dxr[c] = sg_mend_nan2(out, yc, dyc);
    }
  }
}
