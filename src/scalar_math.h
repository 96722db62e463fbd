/* SPDX-License-Identifier: BSD-3-Clause */
/* Scalar twins of the per-ISA vector math (simd/common/vmath.h). Every
 * operation here has exactly one counterpart there, in the same order, so the
 * scalar reference and each ISA round identically (this file is compiled with
 * -ffp-contract=off: the only fused operations are the explicit fmaf calls). */
#ifndef SG_SCALAR_MATH_H
#define SG_SCALAR_MATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "math_consts.h"

static inline uint32_t sg_bits(float x) {
  uint32_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}

static inline float sg_from_bits(uint32_t u) {
  float x;
  memcpy(&x, &u, sizeof x);
  return x;
}

/* 2^k for k in [-126, 127]. */
static inline float sg_pow2i(int32_t k) { return sg_from_bits((uint32_t)(k + 127) << 23); }

/* m * 2^n for n in [-252, 254] in two exact-then-rounding steps, so a result
 * in the subnormal range is rounded once, not flushed. */
static inline float sg_ldexp2(float m, int32_t n) {
  int32_t n1 = n >> 1; /* arithmetic shift, as the vector srai */
  return (m * sg_pow2i(n1)) * sg_pow2i(n - n1);
}

/* NaN results with the same bits on every ISA. Hardware picks among several
 * NaN operands by operand order (which compilers may swap) and makes up its
 * own default NaN (x86 0xffc00000, Arm 0x7fc00000), so kernels whose result can
 * be NaN from more than one source mend it last: the first NaN input, quieted,
 * else (inf*0 and the like) the positive quiet NaN. */
static inline float sg_mend_nan2(float out, float a, float b) {
  if (!isnan(out)) return out;
  float src = isnan(a) ? a : isnan(b) ? b : sg_from_bits(SG_DEFAULT_NAN);
  return src + src;
}

/* Any NaN as the positive quiet NaN, for kernels whose NaN results have no
 * one input to come from (a dot product may meet NaNs of several payloads and
 * make its own from inf*0 or inf - inf, and which one hardware keeps depends
 * on the ISA and the operand order of each instruction form). */
static inline float sg_canon_nan(float x) { return isnan(x) ? sg_from_bits(SG_DEFAULT_NAN) : x; }

/* e^t = (hi + lo) * 2^n for t in [SG_SIGMOID_TMIN, 0] (any t with |n| < 2^22
 * and n in sg_ldexp2's range). hi + lo is e^r exactly as a sum (Fast2Sum of
 * 1 + (r + r^2 g(r))): keeping lo means the caller's next rounding is the first
 * one that touches e^r's leading bits. */
struct sg_exp_parts {
  float hi, lo;
  int32_t n;
};

/* The steps both variants below share: n = round(t / ln2) and the exact
 * first step of the reduction, t - n*SG_LN2_HI. */
static inline float sg_exp_reduce(float t, struct sg_exp_parts *e, float *nf) {
  float kn = fmaf(t, SG_LOG2E, SG_ROUND_MAGIC);
  e->n = (int32_t)(sg_bits(kn) - sg_bits(SG_ROUND_MAGIC));
  *nf = kn - SG_ROUND_MAGIC;
  return fmaf(-*nf, SG_LN2_HI, t);
}

/* g(r) ~ (e^r - 1 - r) / r^2 (math_consts.h), by Horner. */
static inline float sg_exp_g(float r) {
  float g = fmaf(SG_EXP_C5, r, SG_EXP_C4);
  g = fmaf(g, r, SG_EXP_C3);
  g = fmaf(g, r, SG_EXP_C2);
  g = fmaf(g, r, SG_EXP_C1);
  return fmaf(g, r, SG_EXP_C0);
}

/* g(r) by Estrin's scheme: (c0 + c1 r) + r^2 ((c2 + c3 r) + r^2 (c4 + c5 r)),
 * three dependent steps instead of five, for kernels whose speed is the
 * length of their dependency chain. Rounds differently from sg_exp_g, with
 * a similar bound (every term after c0 is < 2^-4 of it). r2 = r * r. */
static inline float sg_exp_g_estrin(float r, float r2) {
  float a = fmaf(SG_EXP_C1, r, SG_EXP_C0);
  float b = fmaf(SG_EXP_C3, r, SG_EXP_C2);
  float c = fmaf(SG_EXP_C5, r, SG_EXP_C4);
  return fmaf(fmaf(c, r2, b), r2, a);
}

/* g(r), r2 = r * r, by Horner, or by Estrin for the fast tier: its chain is
 * what bounds a kernel that the core cannot overlap with the next vector's
 * (the tiers differ in bits anyway, and the bounds barely: every term after
 * c0 is small). */
static inline float sg_exp_g_by(float r, float r2, int estrin) {
  return estrin ? sg_exp_g_estrin(r, r2) : sg_exp_g(r);
}

/* e^r = hi + lo for the reduced r: 1 + (r + r^2 g(r)), split by Fast2Sum. */
static inline void sg_exp_poly(float r, struct sg_exp_parts *e, int estrin) {
  float r2 = r * r;
  float tail = fmaf(r2, sg_exp_g_by(r, r2, estrin), r);
  e->hi = 1.0f + tail;
  e->lo = (1.0f - e->hi) + tail;
}

static inline struct sg_exp_parts sg_exp_parts(float t, int estrin) {
  struct sg_exp_parts e;
  float nf, r = sg_exp_reduce(t, &e, &nf);
  sg_exp_poly(fmaf(-nf, SG_LN2_LO, r), &e, estrin);
  return e;
}

/* e^(t + tl) = (hi + lo) * 2^n, where tl is a small correction to t (|tl| <=
 * ulp(t)): the rounding error of a difference t = a - b, so that e^(a - b) is
 * not spoilt by the rounding of the subtraction (an error of ulp(t) in t is a
 * relative error of ulp(t) in e^t: 2^-20 already at |t| = 16). The reduction
 * is that of sg_exp_parts, with tl folded into r by one extra FMA:
 * r = (t - n*LN2_HI) + (tl - n*LN2_LO). */
static inline struct sg_exp_parts sg_exp_parts2(float t, float tl) {
  struct sg_exp_parts e;
  float nf, r = sg_exp_reduce(t, &e, &nf);
  sg_exp_poly(r + fmaf(-nf, SG_LN2_LO, tl), &e, 0);
  return e;
}

/* e^t = 2^n (1 + tail), tail = e^r - 1 = hi + lo, for t with n in [-126, 127]:
 * for kernels that need e^t - 1 or 1 - e^t near t = 0 to full relative
 * accuracy, where e^r's rounded 1 + ... would have lost tail's low bits.
 * r = r_hi + rl as in sg_exp_scaled64 (r_hi exact), and
 * tail = r_hi + (r^2 g(r) + rl), that sum split by Fast2Sum: exact when
 * n = 0 (rl = 0, |r^2 g| < |r_hi|/5); otherwise |rl| may pass a tiny r_hi and
 * lo misses ~2^-48, which is nothing beside the 1 the caller adds. So the
 * only rounding of tail's leading part is that of r^2 g + rl, under
 * 2^-24 |r|/5, plus g's 2^-30 (math_consts.h). */
struct sg_exp_tail {
  float hi, lo;
  int32_t n;
  float nf; /* n as a float; for a t too large for n, the large value itself */
};
static inline struct sg_exp_tail sg_exp_tail(float t, int estrin) {
  struct sg_exp_parts e;
  struct sg_exp_tail s;
  float nf, r_hi = sg_exp_reduce(t, &e, &nf);
  float rl = -nf * SG_LN2_LO;
  float r = r_hi + rl, r2 = r * r;
  float p = fmaf(r2, sg_exp_g_by(r, r2, estrin), rl);
  s.hi = r_hi + p;
  s.lo = (r_hi - s.hi) + p;
  s.n = e.n;
  s.nf = nf;
  return s;
}

/* e^(t + tl) 2^64 for t in [SG_SIGMOID_TMIN, 0], tl as in sg_exp_parts2, as
 * p 2^(n + 64) + *lo: 2^(n + 64) >= 2^-95 is a normal power of two, so both
 * scale exactly. p = 1 + tail, tail = e^r - 1 = r + r^2 g(r), the reduced
 * argument kept as r_hi + rl (r_hi exact) so its rounding does not reach
 * tail: tail = r_hi + (r^2 g + rl), one rounding of 2^-26 relative; *lo is
 * the exact error of 1 + tail (Fast2Sum, |tail| < 1). For the softmax, which
 * stores p 2^(n + 64) as its term and sums both parts. */
static inline float sg_exp_scaled64(float t, float tl, float *lo) {
  struct sg_exp_parts e;
  float nf, r_hi = sg_exp_reduce(t, &e, &nf);
  float rl = fmaf(-nf, SG_LN2_LO, tl);
  float r = r_hi + rl, r2 = r * r;
  float tail = fmaf(r2, sg_exp_g_estrin(r, r2), rl) + r_hi;
  float p = 1.0f + tail;
  float scale = sg_pow2i(e.n + 64);
  *lo = ((1.0f - p) + tail) * scale;
  return p * scale;
}

#endif
