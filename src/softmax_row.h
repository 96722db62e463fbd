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

/* Natural log of a positive normal double, in double (our own, so every
 * platform gets the same bits): x = 2^e * m with m in [sqrt(1/2), sqrt(2)),
 * log m = 2 atanh(u), u = (m-1)/(m+1), |u| <= 0.1716, by the atanh series to
 * u^23 (next term < 2^-60). Relative error about 2^-52. */
static inline double sg_log_d(double x) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  int e = (int)((b >> 52) & 0x7ff) - 1023;
  b = (b & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
  double m;
  memcpy(&m, &b, sizeof m);
  if (m > 0x1.6a09e667f3bcdp+0) m *= 0.5, e += 1;
  double u = (m - 1.0) / (m + 1.0), u2 = u * u;
  double p = 1.0 / 23;
  for (int k = 21; k >= 1; k -= 2) p = p * u2 + 1.0 / k;
  return (double)e * 0x1.62e42fefa39efp-1 + 2.0 * u * p;
}

/* e^z - 1 in double for z <= 0 (our own, reproducible): z = k ln2 + r,
 * |r| <= ln2/2, e^r - 1 by its Taylor series to r^14 (next term < 2^-64), then
 * 2^k (1 + (e^r - 1)) - 1 = (2^k - 1) + 2^k (e^r - 1), no cancellation. */
static inline double sg_expm1_d(double z) {
  if (!(z > -100.0)) return z != z ? z : -1.0; /* e^-100 < 2^-144: -1 in double */
  double kf = (z * 0x1.71547652b82fep+0 + 0x1.8p52) - 0x1.8p52;
  double r = (z - kf * 0x1.62e42fee00000p-1) - kf * 0x1.a39ef35793c76p-33;
  double p = 1.0 / 87178291200.0; /* 1/14! */
  static const double inv_fact[] = {1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0,
                                    1.0 / 3628800.0,    1.0 / 362880.0,    1.0 / 40320.0,
                                    1.0 / 5040.0,       1.0 / 720.0,       1.0 / 120.0,
                                    1.0 / 24.0,         1.0 / 6.0,         0.5,
                                    1.0};
  for (int i = 0; i < 13; i++) p = p * r + inv_fact[i];
  double em1 = p * r; /* e^r - 1 */
  int k = (int)kf;
  if (k == 0) return em1;
  double two_k = ldexp(1.0, k);
  return (two_k - 1.0) + two_k * em1;
}

/* The outputs e_i / (S' k) (k = 1, or rows for the xent delta) are formed
 * 2^64 above themselves, as e_i Ih + e_i Il with Ih + Il = 2^64 / (S' k),
 * then scaled by 2^-64: so e_i Il, the output's last 2^-24, stays normal for
 * every output that is not 0 (unscaled, it would go subnormal, and lose its
 * bits, below 2^-102). The scaling is exact unless the output is subnormal,
 * where it is the one rounding on the absolute grid of 2^-149. */
#define SG_SM_OUT_SCALE 0x1p-64f
static inline void sg_sm_inverse(double S64, double k, float *hi, float *lo) {
  sg_split_d(0x1p64 / (S64 * k), hi, lo);
}

/* log S from S' = S 2^64 (the scaled sum of the exp pass): the scaling is
 * exact in double, so log S keeps its relative accuracy near S = 1. */
static inline double sg_sm_log_sum(double S64) { return sg_log_d(ldexp(S64, -64)); }

#endif
