/* SPDX-License-Identifier: BSD-3-Clause */
/* The sigmoid family, written once for every ISA: the vector twin of
 * src/sigmoid.c (see there for the algorithm and its error budget), made
 * into each ISA's kernels by simd/common/elementwise.h. */
#ifndef SG_SIGMOID_BODY_H
#define SG_SIGMOID_BODY_H

#include "map.h"
#include "vmath.h"

/* The exp argument: see sigmoid_arg in src/sigmoid.c. */
SG_INLINE vf v_sigmoid_arg(vf x) { return v_neg_abs_min(v_min(x, v_set(SG_SIGMOID_XSAT)), -SG_SIGMOID_TMIN); }

/* one_step: see v_scale_one_step; every lane of t = v_sigmoid_arg(x) has
 * -t <= 87 then. */
SG_INLINE vf v_sigmoid_by(vf x, vf t, int one_step) {
  vf one = v_set(1.0f);
  vf hi, lo, nf;
  vi n;
  v_exp_parts(t, &hi, &lo, &n, &nf, 0);
  v_scale sc = v_scale_of(n, nf, one_step), se = v_scale_max(sc, SG_SIGMOID_E_NMIN, one_step);
  vf e_hi = v_scaled(hi, se, 1), e_lo = v_scaled(lo, se, 1);
  vf s = v_add(one, e_hi);
  vf s_lo = v_add(v_add(v_sub(one, s), e_hi), e_lo);
  vf q = v_div(one, s);
  vf rq = v_fnma(q, s, one);
  rq = v_fnma(q, s_lo, rq);
  vf y_pos = v_fma(q, rq, q);
  vf m = v_mul(hi, q);
  vf m_lo = v_fms(hi, q, m);
  m_lo = v_fma(lo, q, m_lo);
  m_lo = v_fma(m, rq, m_lo);
  vf y_neg = v_scaled(v_add(m, m_lo), sc, one_step);
  vf y = v_select(v_lt(x, v_set(0.0f)), y_neg, y_pos);
  return v_keep_nan(x, y);
}
SG_INLINE vf v_sigmoid(vf x) {
  vf t = v_sigmoid_arg(x);
  return v_scale_one_step(t) ? v_sigmoid_by(x, t, 1) : v_sigmoid_by(x, t, 0);
}

/* The fast tier: see sigmoid_fast1 in src/sigmoid.c. */
SG_INLINE vf v_sigmoid_fast_by(vf x, vf t, int one_step) {
  vf hi, lo, nf;
  vi n;
  v_exp_parts(t, &hi, &lo, &n, &nf, 1);
  vf e = v_scaled(hi, v_scale_of(n, nf, one_step), one_step);
  return v_keep_nan(x, v_div(v_neg_or_one(x, e), v_add(v_set(1.0f), e)));
}
SG_INLINE vf v_sigmoid_fast(vf x) {
  vf t = v_sigmoid_arg(x);
  return v_scale_one_step(t) ? v_sigmoid_fast_by(x, t, 1) : v_sigmoid_fast_by(x, t, 0);
}

SG_INLINE vf v_sigmoid_backward(vf y, vf dy) {
  vf t = v_fnma(y, y, y), dx = v_mul(dy, t);
  if (!v_any(v_isnan(dx))) return dx; /* no NaN, no infinite y: done */
  t = v_select(v_isnan(t), v_neg_abs(y), t); /* y = +-inf: -inf, not inf - inf */
  return v_mend_nan2(v_mul(dy, t), y, dy);
}

#endif
