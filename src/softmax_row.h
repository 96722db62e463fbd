/* The per-row part of the softmax family, shared as it is by the scalar
 * reference (src/softmax.c) and every ISA (simd/common/softmax.h): the fixed
 * combining trees over the 16 partial accumulators, and the row constants
 * (log S, 1 - p) computed in double. It runs once per row in scalar code, so
 * every ISA executes literally the same IEEE operations (all files are
 * compiled with -ffp-contract=off; double arithmetic is as reproducible as
 * float). See src/softmax.c for the whole algorithm. */
#ifndef SG_SOFTMAX_ROW_H
#define SG_SOFTMAX_ROW_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "math_consts.h"

#define SG_SM_PARTS 16 /* partial accumulators: element i of a row goes to i % 16 */
#define SG_SM_BLOCK 4  /* steps of 16 elements per block of the online max */
/* Terms e^t with t < -80 (< 2^-115, against a sum >= 1) count as 0 in the sum
 * pass; so n >= -116 and one power-of-two multiply scales exactly. */
#define SG_SM_TSUM_MIN -80.0f
/* The outputs: e^t for t < -110 is below half the least subnormal (as in the
 * sigmoid), and n stays in the range of the two-step ldexp. */
#define SG_SM_TOUT_MIN SG_SIGMOID_TMIN

/* The row maximum by the fixed tree: p[j] = max(p[j], p[j+w]) for w = 8, 4,
 * 2, 1, each max the select "a < b ? b : a" (no NaN reaches it). */
static inline float sg_sm_tree_max(const float *m) {
  float p[SG_SM_PARTS];
  memcpy(p, m, sizeof p);
  for (int w = SG_SM_PARTS / 2; w >= 1; w /= 2)
    for (int j = 0; j < w; j++) p[j] = p[j] < p[j + w] ? p[j + w] : p[j];
  return p[0];
}

/* The row sum from the partials (s[j] + c[j]) * (fh[j] + fl[j]) in double,
 * by the fixed tree (w = 8, 4, 2, 1). fh/fl may be NULL (factor 1). */
static inline double sg_sm_tree_sum(const float *s, const float *c, const float *fh, const float *fl) {
  double p[SG_SM_PARTS];
  for (int j = 0; j < SG_SM_PARTS; j++) {
    p[j] = (double)s[j] + (double)c[j];
    if (fh) p[j] *= (double)fh[j] + (double)fl[j];
  }
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

#endif
