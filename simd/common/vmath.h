/* SPDX-License-Identifier: BSD-3-Clause */
/* Vector math shared by every ISA, written once over the thin layer of
 * simd/<arch>/<isa>/vec.h (include that first). Each function is the
 * operation-for-operation twin of src/scalar_math.h; keep the two in step. */
#ifndef SG_VMATH_H
#define SG_VMATH_H

#include <stdint.h>

#include "math_consts.h"

/* The kernels' bodies are large; a call per vector would cost more than the
 * math, so they are always inlined into the loops of map.h. */
#define SG_INLINE static inline __attribute__((always_inline))

/* 2^k for k in [-126, 127]. */
static inline vf v_pow2i(vi k) { return v_as_float(v_isll23(v_iadd(k, v_iset(127)))); }
/* The same for k also given as the float kf == k: see v_scale_of. */
#ifndef SG_LAYER_LDEXP2
static inline vf v_pow2in(vi k, vf kf) { (void)kf; return v_pow2i(k); }
#endif

/* m * 2^n for n in [-252, 254], rounded once (subnormal results included):
 * see sg_ldexp2. v_scale_of(n, nf, one_step) makes 2^n (nf == n as a float,
 * as v_exp_reduce gives both) into a v_scale once; v_scaled(m, s, one_step)
 * applies it, so values sharing n share its making. Generically 2^n is two
 * normal factors, 2^(n/2) and 2^(n - n/2): the first product is exact, the
 * second rounds. When every lane has n >= -126 (one_step, a constant the
 * caller chose by v_scale_one_step), 2^n is itself normal and one product
 * rounds the same exact value once: the same bits, three operations fewer
 * to make the scale and one fewer per value. A layer with a one-instruction
 * form defines SG_LAYER_LDEXP2 and these names itself (AVX-512: vscalefps
 * by nf), and never needs the split. */
#ifndef SG_LAYER_LDEXP2
typedef struct {
  vf half, rest;
} v_scale;
SG_INLINE v_scale v_scale_of(vi n, vf nf, int one_step) {
  (void)nf;
  if (one_step) return (v_scale){v_pow2i(n), v_pow2i(n)};
  vi n1 = v_isra1(n);
  return (v_scale){v_pow2i(n1), v_pow2i(v_isub(n, n1))};
}
SG_INLINE vf v_scaled(vf m, v_scale s, int one_step) {
  return one_step ? v_mul(m, s.half) : v_mul(v_mul(m, s.half), s.rest);
}
/* 2^max(n, lo) for lo in [-126, 0], from the scale of 2^n, as a scale to
 * apply in one step (v_scaled(m, s, 1)): 2^n is then normal. */
SG_INLINE v_scale v_scale_max(v_scale s, int lo, int one_step) {
  vf p = v_max(v_scaled(v_set(1.0f), s, one_step), v_pow2i(v_iset(lo)));
  return (v_scale){p, p};
}
/* Whether every lane of e^t, t <= 0, as v_exp_reduce splits it, has
 * n >= -126: t >= -87 gives n >= round(-87 log2(e)) = -126. A NaN lane may
 * pass or not: its result is mended last whatever the scaling gave. */
SG_INLINE int v_scale_one_step(vf t) { return !v_any(v_lt(t, v_set(-87.0f))); }
#endif

/* -min(|x|, c) for c > 0, the clamped argument of e^-|x|; a NaN x gives
 * NaN or -c (the callers mend NaN lanes). A layer with a one-instruction
 * form (AVX-512's vrangeps) defines SG_LAYER_NEG_ABS_MIN. */
#ifndef SG_LAYER_NEG_ABS_MIN
SG_INLINE vf v_neg_abs_min(vf x, float c) { return v_max(v_neg_abs(x), v_set(-c)); }
#endif

/* Selects a layer may do in one instruction (AVX-512's vfixupimmps), else
 * compares and blends. v_keep_nan: x + x (x quieted) where x is NaN, else y.
 * v_neg_or_one: x < 0 ? neg : 1 (either where x is NaN: mended later). */
#ifndef SG_LAYER_FIXUP
SG_INLINE vf v_keep_nan(vf x, vf y) { return v_select(v_isnan(x), v_add(x, x), y); }
SG_INLINE vf v_neg_or_one(vf x, vf neg) { return v_select(v_lt(x, v_set(0.0f)), neg, v_set(1.0f)); }
#endif

/* NaN lanes with the scalar reference's bits: see sg_mend_nan2. Most
 * vectors hold no NaN: one compare and a branch then replace the selects. */
SG_INLINE vf v_mend_nan2(vf out, vf a, vf b) {
  if (!v_any(v_isnan(out))) return out;
  vf src = v_select(v_isnan(a), a, v_select(v_isnan(b), b, v_as_float(v_iset(SG_DEFAULT_NAN))));
  return v_select(v_isnan(out), v_add(src, src), out);
}

/* NaN lanes as SG_DEFAULT_NAN, the rest untouched: see sg_canon_nan. */
SG_INLINE vf v_canon_nan(vf a) { return v_select(v_isnan(a), v_as_float(v_iset(SG_DEFAULT_NAN)), a); }

/* n = round(t / ln2) and t - n*SG_LN2_HI: see sg_exp_reduce. */
SG_INLINE vf v_exp_reduce(vf t, vi *n, vf *nf) {
  vf magic = v_set(SG_ROUND_MAGIC);
  vf kn = v_fma(t, v_set(SG_LOG2E), magic);
  *n = v_isub(v_as_int(kn), v_as_int(magic));
  *nf = v_sub(kn, magic);
  return v_fnma(*nf, v_set(SG_LN2_HI), t);
}

/* g(r): see sg_exp_g. */
SG_INLINE vf v_exp_g(vf r) {
  vf g = v_fma(v_set(SG_EXP_C5), r, v_set(SG_EXP_C4));
  g = v_fma(g, r, v_set(SG_EXP_C3));
  g = v_fma(g, r, v_set(SG_EXP_C2));
  g = v_fma(g, r, v_set(SG_EXP_C1));
  return v_fma(g, r, v_set(SG_EXP_C0));
}

/* g(r) by Estrin's scheme: see sg_exp_g_estrin. */
SG_INLINE vf v_exp_g_estrin(vf r, vf r2) {
  vf a = v_fma(v_set(SG_EXP_C1), r, v_set(SG_EXP_C0));
  vf b = v_fma(v_set(SG_EXP_C3), r, v_set(SG_EXP_C2));
  vf c = v_fma(v_set(SG_EXP_C5), r, v_set(SG_EXP_C4));
  return v_fma(v_fma(c, r2, b), r2, a);
}

/* g(r), r2 = r * r, by Horner or (estrin, for the fast tier) by Estrin. */
SG_INLINE vf v_exp_g_by(vf r, vf r2, int estrin) { return estrin ? v_exp_g_estrin(r, r2) : v_exp_g(r); }

/* e^r = hi + lo: see sg_exp_poly. */
SG_INLINE void v_exp_poly(vf r, vf *hi, vf *lo, int estrin) {
  vf r2 = v_mul(r, r);
  vf tail = v_fma(r2, v_exp_g_by(r, r2, estrin), r);
  vf one = v_set(1.0f);
  *hi = v_add(one, tail);
  *lo = v_add(v_sub(one, *hi), tail);
}

/* e^t = (hi + lo) * 2^n: see sg_exp_parts. *nf = n as a float. */
SG_INLINE void v_exp_parts(vf t, vf *hi, vf *lo, vi *n, vf *nf, int estrin) {
  vf r = v_exp_reduce(t, n, nf);
  v_exp_poly(v_fnma(*nf, v_set(SG_LN2_LO), r), hi, lo, estrin);
}

/* e^(t + tl) = (hi + lo) * 2^n with tl a small correction of t: see
 * sg_exp_parts2. */
SG_INLINE void v_exp_parts2(vf t, vf tl, vf *hi, vf *lo, vi *n) {
  vf nf, r = v_exp_reduce(t, n, &nf);
  v_exp_poly(v_add(r, v_fnma(nf, v_set(SG_LN2_LO), tl)), hi, lo, 0);
}

/* e^t = 2^n (1 + hi + lo): see sg_exp_tail. *nf = n as a float. */
SG_INLINE void v_exp_tail(vf t, vf *hi, vf *lo, vi *n, vf *nf, int estrin) {
  vf r_hi = v_exp_reduce(t, n, nf);
  vf rl = v_fnma(*nf, v_set(SG_LN2_LO), v_set(0.0f));
  vf r = v_add(r_hi, rl), r2 = v_mul(r, r);
  vf p = v_fma(r2, v_exp_g_by(r, r2, estrin), rl);
  *hi = v_add(r_hi, p);
  *lo = v_add(v_sub(r_hi, *hi), p);
}

/* e^(t + tl) 2^64 as a term and its error: see sg_exp_scaled64. In two
 * stages, so that a loop can overlap one vector's reduction with the
 * previous one's polynomial (software pipelining: the core's scheduler holds
 * too few operations to find that overlap across a 20-deep chain itself). */
typedef struct {
  vf r_hi, rl;
  vi n;
} v_reduced64;
SG_INLINE v_reduced64 v_exp_scaled64_reduce(vf t, vf tl) {
  v_reduced64 a;
  vf nf;
  a.r_hi = v_exp_reduce(t, &a.n, &nf);
  a.rl = v_fnma(nf, v_set(SG_LN2_LO), tl);
  return a;
}
/* Lanes where zero is set give 0 and *lo 0 (whatever the reduction holds). */
SG_INLINE vf v_exp_scaled64_finish(v_reduced64 a, vm zero, vf *lo) {
  vf one = v_set(1.0f);
  vf r = v_add(a.r_hi, a.rl), r2 = v_mul(r, r);
  vf tail = v_add(v_fma(r2, v_exp_g_estrin(r, r2), a.rl), a.r_hi);
  vf p = v_add(one, tail);
  vf scale = v_pow2i(v_iadd(a.n, v_iset(64)));
  *lo = v_mul_unless(zero, v_add(v_sub(one, p), tail), scale);
  return v_mul_unless(zero, p, scale);
}

#endif
