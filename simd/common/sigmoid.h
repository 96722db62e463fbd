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

/* 1/(1 + e) = q (1 + rq) and e/(1 + e) = 2^n (m + m_lo): see sigmoid_parts
 * in src/sigmoid.c. one_step: see v_scale_one_step; every lane of t =
 * v_sigmoid_arg(x) has -t <= 87 then. */
typedef struct {
  vf q, rq, m, m_lo, nf;
  vi n;
  v_scale sc; /* 2^n */
} v_sigmoid_parts_t;
SG_INLINE v_sigmoid_parts_t v_sigmoid_parts(vf t, int one_step) {
  v_sigmoid_parts_t sp;
  vf one = v_set(1.0f);
  vf hi, lo;
  v_exp_parts(t, &hi, &lo, &sp.n, &sp.nf, 0);
  sp.sc = v_scale_of(sp.n, sp.nf, one_step);
  v_scale se = v_scale_max(sp.sc, SG_SIGMOID_E_NMIN, one_step);
  vf e_hi = v_scaled(hi, se, 1), e_lo = v_scaled(lo, se, 1);
  vf s = v_add(one, e_hi);
  vf s_lo = v_add(v_add(v_sub(one, s), e_hi), e_lo);
  sp.q = v_div(one, s);
  sp.rq = v_fnma(sp.q, s, one);
  sp.rq = v_fnma(sp.q, s_lo, sp.rq);
  sp.m = v_mul(hi, sp.q);
  sp.m_lo = v_fms(hi, sp.q, sp.m);
  sp.m_lo = v_fma(lo, sp.q, sp.m_lo);
  sp.m_lo = v_fma(sp.m, sp.rq, sp.m_lo);
  return sp;
}

SG_INLINE vf v_sigmoid_by(vf x, vf t, int one_step) {
  v_sigmoid_parts_t sp = v_sigmoid_parts(t, one_step);
  vf y_pos = v_fma(sp.q, sp.rq, sp.q);
  vf y_neg = v_scaled(v_add(sp.m, sp.m_lo), sp.sc, one_step);
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

/* SiLU, x sigma(x): see silu1 in src/sigmoid.c. */
SG_INLINE vf v_silu_by(vf x, vf t, int one_step) {
  v_sigmoid_parts_t sp = v_sigmoid_parts(t, one_step);
  vf xc = v_max(x, v_set(SG_SIGMOID_TMIN));
  vf zn = v_mul(xc, sp.m);
  vf zn_lo = v_fms(xc, sp.m, zn);
  zn_lo = v_fma(xc, sp.m_lo, zn_lo);
  vf y_neg = v_scaled(v_add(zn, zn_lo), sp.sc, one_step);
  vf zp = v_mul(x, sp.q);
  vf zp_lo = v_fms(x, sp.q, zp);
  zp_lo = v_fma(zp, sp.rq, zp_lo);
  vf y_pos = v_select(v_le(v_set(SG_SIGMOID_XSAT), x), x, v_add(zp, zp_lo));
  return v_keep_nan(x, v_select(v_lt(x, v_set(0.0f)), y_neg, y_pos));
}
SG_INLINE vf v_silu(vf x) {
  vf t = v_sigmoid_arg(x);
  return v_scale_one_step(t) ? v_silu_by(x, t, 1) : v_silu_by(x, t, 0);
}

/* Its derivative, dy sigma(x) (1 + x (1 - sigma(x))): see silu_backward1 in
 * src/sigmoid.c. */
SG_INLINE vf v_silu_backward_by(vf x, vf dy, vf t, int one_step) {
  v_sigmoid_parts_t sp = v_sigmoid_parts(t, one_step);
  vf one = v_set(1.0f), zero = v_set(0.0f);
  /* x < 0: u = 1 + x q (1 + rq) by TwoSum, d = 2^n (m + m_lo) u */
  vf xc = v_max(x, v_set(SG_SIGMOID_TMIN));
  vf tn = v_mul(xc, sp.q);
  vf tn_lo = v_fms(xc, sp.q, tn);
  tn_lo = v_fma(tn, sp.rq, tn_lo);
  vf un = v_add(one, tn);
  vf tb = v_sub(un, one);
  vf un_lo = v_add(v_add(v_sub(one, v_sub(un, tb)), v_sub(tn, tb)), tn_lo);
  vf wn = v_mul(sp.m, un);
  vf wn_lo = v_fms(sp.m, un, wn);
  wn_lo = v_fma(sp.m, un_lo, wn_lo);
  wn_lo = v_fma(sp.m_lo, un, wn_lo);
  vf dn = v_select(v_lt(x, v_set(-0x1.fffffep127f)), zero, v_scaled(v_add(wn, wn_lo), sp.sc, one_step));
  /* x >= 0: u = 1 + x 2^n (m + m_lo) by Fast2Sum (1 from XSAT on), d = q (1 + rq) u */
  vf xm = v_mul(x, sp.m);
  vf tp = v_scaled(xm, sp.sc, one_step);
  vf tp_lo = v_scaled(v_fma(x, sp.m_lo, v_fms(x, sp.m, xm)), sp.sc, one_step);
  vf up = v_add(one, tp);
  vf up_lo = v_add(v_add(v_sub(one, up), tp), tp_lo);
  vm sat = v_le(v_set(SG_SIGMOID_XSAT), x);
  up = v_select(sat, one, up), up_lo = v_select(sat, zero, up_lo);
  vf wp = v_mul(sp.q, up);
  vf wp_lo = v_fms(sp.q, up, wp);
  wp_lo = v_fma(sp.q, up_lo, wp_lo);
  wp_lo = v_fma(wp, sp.rq, wp_lo);
  vf d = v_select(v_lt(x, zero), dn, v_add(wp, wp_lo));
  return v_mend_nan2(v_mul(dy, d), x, dy);
}
SG_INLINE vf v_silu_backward(vf x, vf dy) {
  vf t = v_sigmoid_arg(x);
  return v_scale_one_step(t) ? v_silu_backward_by(x, dy, t, 1) : v_silu_backward_by(x, dy, t, 0);
}

#endif
