/* SPDX-License-Identifier: BSD-3-Clause */
/* Constants shared by the scalar reference (src/) and every ISA (simd/).
 * Changing one changes every ISA's bits
 * together; the golden digests in verify/ then need regenerating.
 *
 * e^t = 2^n * e^r, n = round(t / ln2), r = t - n*ln2 in [-ln2/2, ln2/2].
 * e^r = 1 + r + r^2 * g(r); g is a degree-5 Chebyshev interpolant of
 * (e^r - 1 - r) / r^2 on |r| <= 1.0001 * ln2/2, coefficients rounded to float
 * (g(0) = 1/2 exactly). Re-derived with tools/fit_exp.py: max relative error of
 * e^r after rounding the coefficients is 6.9e-10 (2^-30.4), far below the
 * 2^-24 of the float result, so the error budget goes to the roundings. */
#ifndef SG_EXP_CONSTS_H
#define SG_EXP_CONSTS_H

#define SG_LOG2E 0x1.715476p+0f
/* ln2 = SG_LN2_HI + SG_LN2_LO. SG_LN2_HI has 21 significant bits, so for the
 * |n| <= 159 used here n*SG_LN2_HI has at most 29 and t - n*SG_LN2_HI is exact
 * in one FMA; only the SG_LN2_LO step rounds. */
#define SG_LN2_HI 0x1.62e43p-1f
#define SG_LN2_LO -0x1.05c61p-29f
/* fma(t, log2e, 1.5*2^23) rounds t*log2e to the nearest integer (ties to even)
 * in the low mantissa bits, with the same IEEE operation on every ISA; unlike
 * a convert instruction it needs no rounding-mode or instruction match. */
#define SG_ROUND_MAGIC 0x1.8p+23f

#define SG_EXP_C0 0.5f
#define SG_EXP_C1 0x1.555556p-3f
#define SG_EXP_C2 0x1.5554eap-5f
#define SG_EXP_C3 0x1.1110ep-7f
#define SG_EXP_C4 0x1.6d4324p-10f
#define SG_EXP_C5 0x1.a124f2p-13f

/* sigmoid(x) for x < -110 underflows to 0 and 1 - sigmoid(-x) rounds to 1
 * already at x > 17.33, so the exp argument is clamped to [-110, 0]: n stays in
 * [-159, 0] and the two-step scaling 2^(n>>1) * 2^(n - (n>>1)) stays normal. */
#define SG_SIGMOID_TMIN -110.0f

/* Where no intermediate need be subnormal. The core takes a microcode assist
 * (about a hundred cycles) for each vector operation with a subnormal
 * result, so the sigmoid keeps them to the lanes whose result is subnormal:
 * - x is clamped to <= 30 first: sigmoid(x) is exactly 1 from 17.33 on, and
 *   e^-30 = 2^-43.3 keeps every scaling of a positive x normal (beyond 87 it
 *   would not be, in lanes whose other branch is thrown away).
 * - e = e^-|x| enters 1 + e scaled by 2^max(n, -64), not 2^n: e below 2^-64
 *   rounds 1 + e to 1 either way, and the only trace left of its size, the
 *   residual rq = -(e_hi + e_lo), is then too small to move the rounding of
 *   any output (its sign is what counts, and it stays negative); while the
 *   low part lo 2^n of the true e is subnormal from |x| of about 62. */
#define SG_SIGMOID_XSAT 30.0f
#define SG_SIGMOID_E_NMIN -64

/* tanh(x) = (1 - e^t) / (1 + e^t), t = -2|x|: it rounds to 1 from
 * |x| = 9.01 (1 - tanh x < 2^-25), so t is clamped to [-20, 0] and
 * n = round(t/ln2) stays in [-29, 0]: 2^n is a normal number. */
#define SG_TANH_TMIN -20.0f

/* The quiet NaN a kernel returns when it makes one up (see sg_mend_nan2) or
 * when every NaN it returns is this one (sg_canon_nan). */
#define SG_DEFAULT_NAN 0x7fc00000

#endif
