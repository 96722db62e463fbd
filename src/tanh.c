/* SPDX-License-Identifier: BSD-3-Clause */
/* Scalar reference kernels for tanh: the definition every ISA must match bit
 * for bit (simd/common/tanh.h in each ISA's elementwise.c).
 *
 * tanh|x| = N / D with e^t = 2^n (1 + T), t = -2|x|:
 *   N = 1 - e^t = (1 - 2^n) - 2^n T,   D = 1 + e^t = (1 + 2^n) + 2^n T.
 * T = e^r - 1 comes as hi + lo (sg_exp_tail), so near 0 (n = 0) N = -T keeps
 * full relative accuracy instead of cancelling in 1 - e^t. N and D are each
 * carried as a float pair (Fast2Sum: |1 - 2^n| >= |2^n T| for n <= -1, and
 * 1 - 2^n = 0 for n = 0; 1 + 2^n > |2^n T|), and the quotient's errors are
 * folded in by FMA residuals, so the only full-size rounding is the last one.
 * Error budget: 0.5 ULP for that rounding, plus T's leading rounding (at most
 * 2^-24/5 relative, times |e^t / N| <= 2.4 for n <= -1) and the rest
 * (2^-40-ish): under 0.6 ULP. The sign is copied from x last, so
 * tanh(-x) = -tanh(x) exactly and tanh(-0) = -0. */
#include <config.h>

#include "internal.h"
#include "scalar_math.h"

static float tanh1(float x) {
  float t = fmaxf(-2.0f * fabsf(x), SG_TANH_TMIN); /* NaN is mended at the end */
  struct sg_exp_tail e = sg_exp_tail(t, 0);
  float a = sg_pow2i(e.n);
  float s1 = 1.0f - a, s1_lo = (1.0f - s1) - a; /* exact: n >= -24 gives s1_lo = 0 */
  float s2 = 1.0f + a, s2_lo = (1.0f - s2) + a;
  float b = a * e.hi, b_lo = a * e.lo; /* exact scalings */
  float num = s1 - b, num_lo = ((s1 - num) - b) + (s1_lo - b_lo);
  float den = s2 + b, den_lo = ((s2 - den) + b) + (s2_lo + b_lo);
  /* 1/(den + den_lo) = inv (1 + ri) to O(2^-48); then (num + num_lo) inv (1 + ri). */
  float inv = 1.0f / den;
  float ri = fmaf(-inv, den, 1.0f);
  ri = fmaf(-inv, den_lo, ri);
  float m = num * inv;
  float m_lo = fmaf(num, inv, -m);
  m_lo = fmaf(num_lo, inv, m_lo);
  m_lo = fmaf(m, ri, m_lo);
  float y = copysignf(m + m_lo, x);
  return isnan(x) ? x + x : y;
}

void sg_tanh_scalar(size_t n, const float *x, float *y) {
  for (size_t i = 0; i < n; i++) y[i] = tanh1(x[i]);
}

/* The fast tier: tanh|x| = u / v with u = e^t - 1 = (a - 1) + a T and
 * v = -(e^t + 1) = (-1 - a) - a T, a = 2^n, each rounded once by an FMA
 * from exact parts (a - 1 and -1 - a are exact down to n = -23; below,
 * where y rounds within 2^-23 of 1, their rounding is under 2^-25). As in
 * tanh1, near 0 (n = 0) u = T keeps full relative accuracy; unlike it,
 * there are no error terms carried. Error budget in ULPs of y in [1/2, 1)
 * (ULP 2^-24; smaller y have u and v far from their binades' ends): u's
 * rounding, 2^-25 relative near u = -1, is 1/2 ULP; v's, 2^-24 relative near
 * v = -1, is 1 ULP; the quotient's 1/2: 2 ULP by construction. v from the
 * rounded u (v = -2 - u) would pass u's error on twice: 2.5 measured. */
static float tanh_fast1(float x) {
  float t = fmaxf(-2.0f * fabsf(x), SG_TANH_TMIN);
  struct sg_exp_tail e = sg_exp_tail(t, 1);
  float a = sg_pow2i(e.n);
  float u = fmaf(a, e.hi, a - 1.0f);
  float v = fmaf(-a, e.hi, -1.0f - a);
  float y = copysignf(u / v, x);
  return isnan(x) ? x + x : y;
}

void sg_tanh_fast_scalar(size_t n, const float *x, float *y) {
  for (size_t i = 0; i < n; i++) y[i] = tanh_fast1(x[i]);
}

/* dx = dy * (1 - y*y): the FMA rounds t = 1 - y^2 once, from the exact y^2,
 * so near |y| = 1 (where 1 - y^2 cancels) t is still within 0.5 ULP. That
 * half ULP of t is m_dx / (2 m_t) ULP of dx (m_ the significands in [1, 2),
 * and m_dx / m_t <= m_dy < 2), so with the product's own rounding dx is
 * within 1.5 ULP for y in [-1, 1] (make check-exhaustive: 1.4825). */
void sg_tanh_backward_scalar(size_t n, const float *y, const float *dy, float *dx) {
  for (size_t i = 0; i < n; i++) dx[i] = sg_mend_nan2(dy[i] * fmaf(-y[i], y[i], 1.0f), y[i], dy[i]);
}
