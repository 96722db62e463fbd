/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-row part of the softmax family, shared as it is by the scalar
 * reference (src/softmax.c) and every ISA (simd/common/softmax.h): the fixed
 * combining tree over the 16 partial sums (each layer's v_dtree16 is its
 * twin), and the row constants (log S, 1 - p) computed in double. The
 * per-row code is the same scalar code in every ISA, so it executes literally
 * the same IEEE operations (all files are compiled with -ffp-contract=off;
 * double arithmetic is as reproducible as float). See src/softmax.c for the
 * whole algorithm. */
#ifndef SG_SOFTMAX_ROW_H
#define SG_SOFTMAX_ROW_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "math_consts.h"
#include "scalar_math.h"

#define SG_SM_PARTS 16 /* partial sums: element i of a row goes to i % 16 */
/* e^t for t < -110 is below half the least subnormal (as in the sigmoid), so
 * such terms are 0 (the output rounds to 0 against S >= 1, and the sum
 * cannot see them); it also keeps n >= -159 for sg_exp_scaled64. */
#define SG_SM_TMIN SG_SIGMOID_TMIN

/* The row sum from its 16 partial sums by the fixed tree p[j] += p[j + w],
 * w = 8, 4, 2, 1 (in place). */
static inline double sg_sm_tree_sum(double *p) {
  for (int w = SG_SM_PARTS / 2; w >= 1; w /= 2)
    for (int j = 0; j < w; j++) p[j] += p[j + w];
  return p[0];
}

/* A row comes out NaN when it holds a NaN or +inf (S' is then NaN, or M is
 * +inf) or is all -inf (S' NaN from -inf - -inf). */
static inline int sg_sm_row_bad(double S, float M) { return !(S > 0.0) || M == INFINITY; }

/* The quiet NaN the kernels return when they make one up. */
static inline float sg_sm_nan_f(void) {
  uint32_t u = SG_DEFAULT_NAN;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* d = hi + lo with hi = d rounded to float. */
static inline void sg_split_d(double d, float *hi, float *lo) {
  *hi = (float)d;
  *lo = (float)(d - (double)*hi);
}

/* c[0] + c[1] x + ... + c[n-1] x^(n-1), n <= 16 a constant, by Estrin's
 * scheme: pairs c[2k] + c[2k+1] x, then pairs of those with x^2, x^4, x^8
 * (an odd one out carried up as it is): four levels of dependent steps
 * instead of n (these run once per row, and a row of ten elements is over in
 * fewer cycles than a Horner chain of fourteen). Fixed loop bounds whose
 * tests fold away once n is known, so a loop that calls it vectorises. */
static inline double sg_estrin_d(const double *c, int n, double x) { /* c holds 16 */
  double t[8];
  _Pragma("GCC unroll 8") for (int k = 0; k < 8; k++) t[k] = 2 * k + 1 < n ? c[2 * k] + c[2 * k + 1] * x : c[2 * k];
  n = (n + 1) / 2;
  _Pragma("GCC unroll 3") for (int level = 0; level < 3; level++) {
    x = x * x;
    _Pragma("GCC unroll 4") for (int k = 0; k < 4; k++) t[k] = 2 * k + 1 < n ? t[2 * k] + t[2 * k + 1] * x : t[2 * k];
    n = (n + 1) / 2;
  }
  return t[0];
}

/* c ? a : b on the bits: a and b are both computed, whatever c, so a
 * compiler cannot move the work of either into a branch (where it would not
 * vectorise it, for fear of a floating-point trap). */
static inline double sg_select_d(int c, double a, double b) {
  uint64_t ab, bb, keep = -(uint64_t)(c != 0);
  memcpy(&ab, &a, sizeof ab);
  memcpy(&bb, &b, sizeof bb);
  ab = (ab & keep) | (bb & ~keep);
  memcpy(&a, &ab, sizeof a);
  return a;
}

/* 2^k for k in [-1022, 1023], from its bits. */
static inline double sg_pow2_d(int k) {
  uint64_t b = (uint64_t)(k + 1023) << 52;
  double d;
  memcpy(&d, &b, sizeof d);
  return d;
}

/* Natural log of a positive normal double, in double (our own, so every
 * platform gets the same bits): x = 2^e * m with m in [sqrt(1/2), sqrt(2)),
 * log m = 2 atanh(u), u = (m-1)/(m+1), |u| <= 0.1716, by the atanh series to
 * u^23 (next term < 2^-60). Relative error about 2^-52. No branch, no
 * conditional floating-point operation (a compiler will not hoist one that
 * might trap) and int exponents: so a loop over a group of rows vectorises
 * on every ISA (simd/common/softmax.h). */
static inline double sg_log_d(double x) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  int e = (int)((b >> 52) & 0x7ff) - 1023;
  b = (b & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
  int big = b > 0x3ff6a09e667f3bcdull; /* m > sqrt(2), compared as bits */
  b -= (uint64_t)big << 52;            /* then m / 2, exactly */
  e += big;
  double m;
  memcpy(&m, &b, sizeof m);
  static const double atanh_c[16] = {1.0,      1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9,  1.0 / 11,
                                     1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23};
  double u = (m - 1.0) / (m + 1.0);
  return (double)e * 0x1.62e42fefa39efp-1 + 2.0 * u * sg_estrin_d(atanh_c, 12, u * u);
}

/* e^z - 1 in double for z <= 0 (our own, reproducible): z = k ln2 + r,
 * |r| <= ln2/2, e^r - 1 by its Taylor series to r^14 (next term < 2^-64), then
 * 2^k (1 + (e^r - 1)) - 1 = (2^k - 1) + 2^k (e^r - 1), no cancellation (k = 0
 * gives e^r - 1 itself). z <= -100 gives -1 (e^-100 < 2^-144), a NaN z NaN,
 * and a z > 0 (outside the domain) -1 as well.
 * Selects only among results always computed, as in sg_log_d; the clamp is
 * on the bits and the compares are quiet. */
static inline double sg_expm1_d(double z) {
  /* z in (-100, 0], false for a NaN z; any other z is only ever computed,
   * never read (a bad row's), and must not take k out of range either */
  int in_range = __builtin_isgreater(z, -100.0) & __builtin_islessequal(z, 0.0);
  double zc = sg_select_d(in_range, z, -100.0);
  double kf = (zc * 0x1.71547652b82fep+0 + 0x1.8p52) - 0x1.8p52;
  double r = (zc - kf * 0x1.62e42fee00000p-1) - kf * 0x1.a39ef35793c76p-33;
  static const double inv_fact[16] = {1.0,           0.5,            1.0 / 6,         1.0 / 24,
                                      1.0 / 120,     1.0 / 720,      1.0 / 5040,      1.0 / 40320,
                                      1.0 / 362880,  1.0 / 3628800,  1.0 / 39916800,  1.0 / 479001600,
                                      1.0 / 6227020800.0, 1.0 / 87178291200.0}; /* 1/(k+1)! */
  double em1 = sg_estrin_d(inv_fact, 14, r) * r; /* e^r - 1 */
  double two_k = sg_pow2_d((int)kf);
  double v = (two_k - 1.0) + two_k * em1; /* k = 0: 0 + (e^r - 1), exact */
  v = sg_select_d(z == 0.0, z, v);        /* but e^-0 - 1 = -0 */
  return sg_select_d(in_range, v, z != z ? z : -1.0);
}

/* The outputs e_i k / S' (k = 1, or 1/rows for the xent delta) are formed
 * 2^64 above themselves, as e_i Ih + e_i Il with Ih + Il = 2^64 / S' k,
 * then scaled by 2^-64: so e_i Il, the output's last 2^-24, stays normal for
 * every output that is not 0 (unscaled, it would go subnormal, and lose its
 * bits, below 2^-102). The scaling is exact unless the output is subnormal,
 * where it is the one rounding on the absolute grid of 2^-149. */
#define SG_SM_OUT_SCALE 0x1p-64f
static inline void sg_sm_inverse(double S64, double k, float *hi, float *lo) {
  sg_split_d(0x1p64 / S64 * k, hi, lo);
}

/* log S from S' = S 2^64 (the scaled sum of the exp pass): the scaling is
 * exact in double, so log S keeps its relative accuracy near S = 1. */
static inline double sg_sm_log_sum(double S64) { return sg_log_d(S64 * 0x1p-64); }

/* ---- log_softmax's gradient: dx = dy - e^y S per row, S = sum of dy ----
 * S in double. Each element in float, as
 *   e^y S = 2^k (1 + m)(Sh + Sl) = 2^k Sh + 2^k c,  c = m Sh + Sl (1 + m),
 * with S = 2^j (Sh + Sl), Sh in [1, 2] (the row's constants), e^y = 2^n (1 +
 * m), m = e^r - 1 = mh + ml to about 2^-26 relative (sg_exp_tail), k = n + j:
 *   dx = (dy - 2^k Sh) - 2^k c,
 * where 2^k Sh is exact (k in [-126, 126]) and dy - 2^k Sh rounds once, not
 * at all where it cancels (Sterbenz): so a confident class with the usual
 * gradient -onehot/rows (dy = S at the label, y near 0: 2^k Sh = dy exactly)
 * gives dx = -2^k c, 1 - p to about 2^-26 of itself, with no cancellation.
 * c is three FMAs, one rounding that counts (|c| <= 0.42 |e^y S| 2^-k), and
 * the last step rounds once more: the error is within 0.5 ULP of dx, plus
 * 0.5 ULP of dy - 2^k Sh, plus about 2^-25 |e^y S|. An element with k out of
 * [-126, 126] (y = -inf, a huge y, or a sum past float's range) and every
 * element of a row whose S is not finite is computed as sg_lsm_back1 does. */

/* S: element i to partial i % 16 in double, in increasing i, then the tree
 * (the partials are one vector loop; a single running sum would be a chain
 * of dependent adds, one element per add latency). */
static inline double sg_lsm_sum(size_t cols, const float *dy) {
  double part[SG_SM_PARTS] = {0};
  size_t i = 0;
  for (; i + SG_SM_PARTS <= cols; i += SG_SM_PARTS)
    _Pragma("omp simd") for (int j = 0; j < SG_SM_PARTS; j++) part[j] += (double)dy[i + j];
  for (int j = 0; i + (size_t)j < cols; j++) part[j] += (double)dy[i + (size_t)j];
  return sg_sm_tree_sum(part);
}

/* The element in double with one rounding, for what the float form cannot
 * take: e^y = 2^k (1 + m), m = e^r - 1, for y clamped to [-300, 300] (where
 * e^y times any float sum is already 0 or inf in float): k = round(y / ln2)
 * (|k| <= 433), r = y - k ln2 with ln2 split so that k*HI is exact (HI has
 * 35 significant bits), |r| <= ln2/2, m by its Taylor series to r^14
 * (remainder < 0.35^15/15! = 2^-61 relative). For y >= -1/2 dx = (dy - S) -
 * (e^y - 1) S, as the float form (e^y - 1 = (2^k - 1) + 2^k m, no
 * cancellation); below, dy - e^y S directly. A NaN result is mended as
 * sg_mend_nan2 does (the bits quieted by setting the quiet bit, as x + x
 * does), so both forms give a NaN the same bits. */
static inline float sg_lsm_back1(float y, float dy, double S) {
  static const double inv_fact[16] = {1.0,           0.5,            1.0 / 6,         1.0 / 24,
                                      1.0 / 120,     1.0 / 720,      1.0 / 5040,      1.0 / 40320,
                                      1.0 / 362880,  1.0 / 3628800,  1.0 / 39916800,  1.0 / 479001600,
                                      1.0 / 6227020800.0, 1.0 / 87178291200.0}; /* 1/(k+1)! */
  double yd = (double)y;
  double t = sg_select_d(__builtin_isgreaterequal(yd, -300.0), yd, -300.0); /* NaN: -300 */
  t = sg_select_d(__builtin_isgreater(t, 300.0), 300.0, t);
  double kf = (t * 0x1.71547652b82fep0 + 0x1.8p52) - 0x1.8p52;
  double r = (t - kf * 0x1.62e42fefap-1) - kf * 0x1.cf79abc9e3b3ap-40;
  double m = sg_estrin_d(inv_fact, 14, r) * r;
  double two_k = sg_pow2_d((int)kf);
  double near = ((double)dy - S) - ((two_k - 1.0) + two_k * m) * S;
  double far = (double)dy - (two_k + two_k * m) * S;
  float out = (float)sg_select_d(__builtin_isgreaterequal(y, -0.5f), near, far);
  uint32_t ob, yb, db;
  memcpy(&ob, &out, sizeof ob);
  memcpy(&yb, &y, sizeof yb);
  memcpy(&db, &dy, sizeof db);
  uint32_t src = (y != y ? yb : dy != dy ? db : SG_DEFAULT_NAN) | 0x00400000u;
  ob = out != out ? src : ob;
  memcpy(&out, &ob, sizeof out);
  return out;
}

/* A row's constants: S = 2^j (sh + sl), jf = j; fast = 0 (S inf or NaN)
 * sends the whole row to sg_lsm_back1. S = 0 is j = 0, sh = sl = 0. A
 * nonzero S is a sum of floats, so at least 2^-149: a normal double. No
 * branch, so a loop over a group of rows vectorises (as sg_log_d). */
typedef struct {
  float jf, sh, sl;
  int fast;
} sg_lsm_row;
static inline sg_lsm_row sg_lsm_row_of(double S) {
  uint64_t b;
  memcpy(&b, &S, sizeof b);
  int e = (int)((b >> 52) & 0x7ff), zero = (b << 1) == 0;
  b = (b & 0x800fffffffffffffull) | 0x3ff0000000000000ull; /* S 2^-j, exactly */
  double m;
  memcpy(&m, &b, sizeof m);
  sg_lsm_row c;
  c.fast = e != 0x7ff;
  c.jf = zero ? 0.0f : (float)(e - 1023);
  sg_split_d(sg_select_d(zero, 0.0, m), &c.sh, &c.sl);
  return c;
}

/* |k| above this: the element goes to sg_lsm_back1 (2^k Sh would not be a
 * normal float), unless k < SG_LSM_KTINY: then |e^y S| < 2^(k+2) is below a
 * quarter of the least subnormal, and the exact dy - e^y S rounds to dy, or
 * for dy = 0 to the zero of -S's sign, which is what sg_lsm_tiny gives (and
 * sg_lsm_back1 too): one FMA with an exact product of S's sign below 2^-164.
 * This is y = -inf (a masked logit), which should not cost a scalar pass. */
#define SG_LSM_KMAX 126.0f
#define SG_LSM_KTINY -160.0f
#define SG_LSM_TINY 0x1p-126f /* times sh 2^-40: the tiny product */
static inline float sg_lsm_tiny(float dy, sg_lsm_row c) { return fmaf(-SG_LSM_TINY, c.sh * 0x1p-40f, dy); }

/* One output by the float form; the vector kernels run these operations lane
 * for lane (simd/common/softmax.h), and call this for a vector that holds an
 * element the form cannot take. */
static inline float sg_lsm_back(float y, float dy, double S, sg_lsm_row c) {
  if (!c.fast) return sg_lsm_back1(y, dy, S);
  struct sg_exp_tail m = sg_exp_tail(y, 0);
  float kf = m.nf + c.jf;
  if (kf < SG_LSM_KTINY) return sg_lsm_tiny(dy, c);
  if (fabsf(kf) > SG_LSM_KMAX) return sg_lsm_back1(y, dy, S);
  /* k from kf by the rounding constant, as the vector layers do (no
   * float-to-int conversion, which a NaN kf would make undefined) */
  float P = sg_pow2i((int32_t)(sg_bits(kf + SG_ROUND_MAGIC) - sg_bits(SG_ROUND_MAGIC)));
  float A = P * c.sh;
  float cc = fmaf(m.hi, c.sh, fmaf(m.lo, c.sh, fmaf(c.sl, m.hi, c.sl)));
  return sg_mend_nan2(fmaf(-cc, P, dy - A), y, dy);
}

#endif
