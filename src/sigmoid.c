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

/* 1/(1 + e) = q (1 + rq) and e/(1 + e) = 2^n (m + m_lo), e = e^-|x|, each
 * to O(2^-48) beyond e's own error: sigma(x) is the first for x >= 0, the
 * second for x < 0, and 1 - sigma(x) the other one (SiLU uses both). */
struct sigmoid_parts {
  float q, rq, m, m_lo;
  int32_t n;
};

static struct sigmoid_parts sigmoid_parts(float x) {
  struct sg_exp_parts p = sg_exp_parts(sigmoid_arg(x), 0);
  int32_t n_e = p.n < SG_SIGMOID_E_NMIN ? SG_SIGMOID_E_NMIN : p.n; /* see SG_SIGMOID_E_NMIN */
  float e_hi = sg_ldexp2(p.hi, n_e), e_lo = sg_ldexp2(p.lo, n_e);
  float s = 1.0f + e_hi; /* 1 >= e_hi: Fast2Sum */
  float s_lo = ((1.0f - s) + e_hi) + e_lo;
  float q = 1.0f / s;
  float rq = fmaf(-q, s, 1.0f); /* exact residual of the division */
  rq = fmaf(-q, s_lo, rq);      /* 1/(s + s_lo) = q * (1 + rq) to O(2^-48) */
  /* (hi + lo) q (1 + rq), unscaled, so that a subnormal result is rounded
   * only once, by the caller's scaling by 2^n */
  float m = p.hi * q;
  float m_lo = fmaf(p.hi, q, -m);
  m_lo = fmaf(p.lo, q, m_lo);
  m_lo = fmaf(m, rq, m_lo);
  return (struct sigmoid_parts){q, rq, m, m_lo, p.n};
}

static float sigmoid1(float x) {
  struct sigmoid_parts sp = sigmoid_parts(x);
  float y = x < 0 ? sg_ldexp2(sp.m + sp.m_lo, sp.n) : fmaf(sp.q, sp.rq, sp.q);
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

/* SiLU, y = x sigma(x), the product carried with its rounding error (FMA
 * residual) so that the only full-size rounding is the last: error budget
 * 0.5 ULP plus sigma's own (e's ~2^-25.5 relative, damped by e/(1 + e)).
 * x < 0: x 2^n (m + m_lo), scaled last; below SG_SIGMOID_TMIN, where e is
 * clamped, x is too: the result rounds to -0 there, as x e^x does. x >= 0:
 * x q (1 + rq); from SG_SIGMOID_XSAT on (e < 2^-43) it is x itself. */
static float silu1(float x) {
  struct sigmoid_parts sp = sigmoid_parts(x);
  float y;
  if (x < 0) {
    float xc = fmaxf(x, SG_SIGMOID_TMIN);
    float z = xc * sp.m;
    float z_lo = fmaf(xc, sp.m, -z);
    z_lo = fmaf(xc, sp.m_lo, z_lo);
    y = sg_ldexp2(z + z_lo, sp.n);
  } else {
    float z = x * sp.q;
    float z_lo = fmaf(x, sp.q, -z);
    z_lo = fmaf(z, sp.rq, z_lo);
    y = x >= SG_SIGMOID_XSAT ? x : z + z_lo;
  }
  return isnan(x) ? x + x : y;
}

void sg_silu_scalar(size_t n, const float *x, float *y) {
  for (size_t i = 0; i < n; i++) y[i] = silu1(x[i]);
}

/* SiLU's derivative, dx = dy d with d = s u, s = sigma(x) and u = 1 + x (1 -
 * s), from the parts of sigmoid_parts: s and c = 1 - s are both float
 * pairs, so u is formed without cancelling s against 1, and d = s u is
 * carried as a pair to its one rounding. u changes sign at x = -1.2785:
 * there it is a difference of nearly equal terms and e's ~2^-25.5 relative
 * error (in s and c) is what limits it, so the bound is relative to |dy s|
 * (src/simdgrad.h). x < 0: s = 2^n (m + m_lo), c = q (1 + rq), u by TwoSum
 * (|x c| may exceed 1), d scaled by 2^n last; x >= 0: s = q (1 + rq), c =
 * 2^n (m + m_lo) with x c < 0.28 (Fast2Sum), and u = 1 from SG_SIGMOID_XSAT
 * on. d is normal for x >= -87.3; below it is subnormal, rounded once. dx =
 * dy d is the last rounding; a NaN from non-NaN inputs (inf * 0 at x =
 * -inf, where d = 0) is mended as sigmoid_backward's. */
static float silu_backward1(float x, float dy) {
  struct sigmoid_parts sp = sigmoid_parts(x);
  float d;
  if (x < 0) {
    float xc = fmaxf(x, SG_SIGMOID_TMIN);
    float t = xc * sp.q;
    float t_lo = fmaf(xc, sp.q, -t);
    t_lo = fmaf(t, sp.rq, t_lo);
    float u = 1.0f + t;
    float tb = u - 1.0f;
    float u_lo = ((1.0f - (u - tb)) + (t - tb)) + t_lo;
    float w = sp.m * u;
    float w_lo = fmaf(sp.m, u, -w);
    w_lo = fmaf(sp.m, u_lo, w_lo);
    w_lo = fmaf(sp.m_lo, u, w_lo);
    d = x == -INFINITY ? 0.0f : sg_ldexp2(w + w_lo, sp.n);
  } else {
    float xm = x * sp.m;
    float t = sg_ldexp2(xm, sp.n);
    float t_lo = sg_ldexp2(fmaf(x, sp.m_lo, fmaf(x, sp.m, -xm)), sp.n);
    float u = 1.0f + t;
    float u_lo = ((1.0f - u) + t) + t_lo;
    if (x >= SG_SIGMOID_XSAT) u = 1.0f, u_lo = 0.0f;
    float w = sp.q * u;
    float w_lo = fmaf(sp.q, u, -w);
    w_lo = fmaf(sp.q, u_lo, w_lo);
    w_lo = fmaf(w, sp.rq, w_lo);
    d = w + w_lo;
  }
  return sg_mend_nan2(dy * d, x, dy);
}

void sg_silu_backward_scalar(size_t n, const float *x, const float *dy, float *dx) {
  for (size_t i = 0; i < n; i++) dx[i] = silu_backward1(x[i], dy[i]);
}
