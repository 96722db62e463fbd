/* SPDX-License-Identifier: BSD-3-Clause */
/* tanh and its derivative, written once for every ISA: the vector twin of
 * src/tanh.c (see there for the algorithm and its error budget), made into
 * each ISA's kernels by simd/common/elementwise.h. */
#ifndef SG_TANH_BODY_H
#define SG_TANH_BODY_H

#include "map.h"
#include "vmath.h"

/* e^t = a (1 + hi + lo), a = 2^n, for t = max(-2|x|, TMIN): both tiers'
 * start (estrin: the fast tier's polynomial). */
SG_INLINE vf v_tanh_exp(vf x, vf *hi, vf *lo, int estrin) {
  vf z = v_neg_abs_min(x, -0.5f * SG_TANH_TMIN);
  vf t = v_add(z, z); /* max(-2|x|, TMIN), exactly */
  vf nf;
  vi n;
  v_exp_tail(t, hi, lo, &n, &nf, estrin);
  return v_pow2in(n, nf);
}

SG_INLINE vf v_tanh(vf x) {
  vf one = v_set(1.0f);
  vf hi, lo, a = v_tanh_exp(x, &hi, &lo, 0);
  vf s1 = v_sub(one, a), s1_lo = v_sub(v_sub(one, s1), a);
  vf s2 = v_add(one, a), s2_lo = v_add(v_sub(one, s2), a);
  vf b = v_mul(a, hi), b_lo = v_mul(a, lo);
  vf num = v_sub(s1, b), num_lo = v_add(v_sub(v_sub(s1, num), b), v_sub(s1_lo, b_lo));
  vf den = v_add(s2, b), den_lo = v_add(v_add(v_sub(s2, den), b), v_add(s2_lo, b_lo));
  vf inv = v_div(one, den);
  vf ri = v_fnma(inv, den, one);
  ri = v_fnma(inv, den_lo, ri);
  vf m = v_mul(num, inv);
  vf m_lo = v_fms(num, inv, m);
  m_lo = v_fma(num_lo, inv, m_lo);
  m_lo = v_fma(m, ri, m_lo);
  vf y = v_copysign(v_add(m, m_lo), x);
  return v_keep_nan(x, y);
}

/* The fast tier: see tanh_fast1 in src/tanh.c. */
SG_INLINE vf v_tanh_fast(vf x) {
  vf hi, lo, a = v_tanh_exp(x, &hi, &lo, 1);
  vf u = v_fma(a, hi, v_sub(a, v_set(1.0f)));
  vf v = v_fnma(a, hi, v_sub(v_set(-1.0f), a));
  vf y = v_div(u, v);
  return v_keep_nan(x, v_copysign(y, x));
}

SG_INLINE vf v_tanh_backward(vf y, vf dy) {
  return v_mend_nan2(v_mul(dy, v_fnma(y, y, v_set(1.0f))), y, dy);
}

#endif
