/* SPDX-License-Identifier: BSD-3-Clause */
/* Scalar reference kernels for the sigmoid family: the definition every ISA
 * must match bit for bit (simd/common/sigmoid.h in each ISA's elementwise.c).
 *
 * sigmoid(x) = m / (1 + e) with e = e^-|x| and m = 1 (x >= 0) or e (x < 0), so
 * e <= 1 never overflows. Error budget (max 1.5 ULP is the promise): the sum
 * s = 1 + e and the quotient are carried with their rounding errors
 * (Fast2Sum, FMA residual) so the only full-size rounding is the last one,
 * plus the exp part's ~2^-25.5 relative error. */
#include <config.h>

#include "internal.h"
#include "scalar_math.h"

/* -|x| clamped to [SG_SIGMOID_TMIN, 0], x first to <= SG_SIGMOID_XSAT: the
 * exp argument of both tiers (a NaN x is mended at the end). */
static float sigmoid_arg(float x) { return fmaxf(-fabsf(fminf(x, SG_SIGMOID_XSAT)), SG_SIGMOID_TMIN); }

static float sigmoid1(float x) {
  struct sg_exp_parts p = sg_exp_parts(sigmoid_arg(x), 0);
  int32_t n_e = p.n < SG_SIGMOID_E_NMIN ? SG_SIGMOID_E_NMIN : p.n; /* see SG_SIGMOID_E_NMIN */
  float e_hi = sg_ldexp2(p.hi, n_e), e_lo = sg_ldexp2(p.lo, n_e);
  float s = 1.0f + e_hi; /* 1 >= e_hi: Fast2Sum */
  float s_lo = ((1.0f - s) + e_hi) + e_lo;
  float q = 1.0f / s;
  float rq = fmaf(-q, s, 1.0f); /* exact residual of the division */
  rq = fmaf(-q, s_lo, rq);      /* 1/(s + s_lo) = q * (1 + rq) to O(2^-48) */
  float y;
  if (x < 0) {
    /* y = (hi + lo) * 2^n * q * (1 + rq); scaled by 2^n last so a subnormal
     * result is rounded only once. */
    float m = p.hi * q;
    float m_lo = fmaf(p.hi, q, -m);
    m_lo = fmaf(p.lo, q, m_lo);
    m_lo = fmaf(m, rq, m_lo);
    y = sg_ldexp2(m + m_lo, p.n);
  } else {
    y = fmaf(q, rq, q);
  }
  return isnan(x) ? x + x : y;
}

void sg_sigmoid_scalar(size_t n, const float *x, float *y) {
  for (size_t i = 0; i < n; i++) y[i] = sigmoid1(x[i]);
}

/* The fast tier, m / s with the same e = e^-|x| rounded to one float (e in
 * [2^-149, 1], rounded once even when subnormal), s = 1 + e rounded, and one
 * IEEE division: no compensation, about half the operations of sigmoid1.
 * Error budget in ULPs of y: the division's 0.5; e's rounding (0.5 ULP of e
 * plus 2^-30 from g) enters y < 1/2 in full and y >= 1/2 damped by
 * e/(1 + e) <= 1/2; s's rounding (half an ULP of s in [1, 2]) is up to 1 ULP
 * of y >= 1/2 near y = 1 and at most 1/2 of an ULP of y < 1/2. So under
 * 2.5 ULP by construction; make check-exhaustive measures 2.40. A NaN x is
 * mended last, as in sigmoid1: what its lane computes before differs between
 * ISAs (x86's min and max return the other operand, Arm's the NaN, and a
 * division that sees two NaNs returns one up to the hardware or emulator). */
static float sigmoid_fast1(float x) {
  struct sg_exp_parts p = sg_exp_parts(sigmoid_arg(x), 1);
  float e = sg_ldexp2(p.hi, p.n);
  float y = (x < 0 ? e : 1.0f) / (1.0f + e);
  return isnan(x) ? x + x : y;
}

void sg_sigmoid_fast_scalar(size_t n, const float *x, float *y) {
  for (size_t i = 0; i < n; i++) y[i] = sigmoid_fast1(x[i]);
}

/* dx = dy * (y - y*y): the FMA rounds t = y(1 - y) once (exactly when y is
 * subnormal). As for tanh_backward (src/tanh.c), t's half ULP and the
 * product's rounding keep dx within 1.5 ULP of dy*y*(1-y) for y in [0, 1]
 * and any dy (make check-exhaustive: 1.4890). At y = +-inf the FMA gives
 * inf - inf; y(1 - y) is -inf there (as 1 - y*y is for tanh_backward), so
 * a NaN t from a non-NaN y becomes -inf (a NaN y is mended at the end). */
static float sigmoid_backward1(float y, float dy) {
  float t = fmaf(-y, y, y);
  if (isnan(t)) t = -fabsf(y);
  return sg_mend_nan2(dy * t, y, dy);
}

void sg_sigmoid_backward_scalar(size_t n, const float *y, const float *dy, float *dx) {
  for (size_t i = 0; i < n; i++) dx[i] = sigmoid_backward1(y[i], dy[i]);
}
