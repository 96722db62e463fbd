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

/* m * 2^n in two steps (exact, then the one rounding): see sg_ldexp2. A
 * layer with a one-instruction equivalent defines SG_LAYER_LDEXP2 instead. */
#ifndef SG_LAYER_LDEXP2
SG_INLINE vf v_ldexp2(vf m, vi n) {
  vi n1 = v_isra1(n);
  return v_mul(v_mul(m, v_pow2i(n1)), v_pow2i(v_isub(n, n1)));
}
#endif

/* NaN lanes with the scalar reference's bits: see sg_mend_nan2. */
SG_INLINE vf v_mend_nan2(vf out, vf a, vf b) {
  vf src = v_select(v_isnan(a), a, v_select(v_isnan(b), b, v_as_float(v_iset(SG_DEFAULT_NAN))));
  return v_select(v_isnan(out), v_add(src, src), out);
}

/* n = round(t / ln2) and t - n*SG_LN2_HI: see sg_exp_reduce. */
SG_INLINE vf v_exp_reduce(vf t, vi *n, vf *nf) {
  vf magic = v_set(SG_ROUND_MAGIC);
  vf kn = v_fma(t, v_set(SG_LOG2E), magic);
  *n = v_isub(v_as_int(kn), v_as_int(magic));
  *nf = v_sub(kn, magic);
  return v_fnma(*nf, v_set(SG_LN2_HI), t);
}

/* e^r = hi + lo: see sg_exp_poly. */
SG_INLINE void v_exp_poly(vf r, vf *hi, vf *lo) {
  vf g = v_fma(v_set(SG_EXP_C5), r, v_set(SG_EXP_C4));
  g = v_fma(g, r, v_set(SG_EXP_C3));
  g = v_fma(g, r, v_set(SG_EXP_C2));
  g = v_fma(g, r, v_set(SG_EXP_C1));
  g = v_fma(g, r, v_set(SG_EXP_C0));
  vf tail = v_fma(v_mul(r, r), g, r);
  vf one = v_set(1.0f);
  *hi = v_add(one, tail);
  *lo = v_add(v_sub(one, *hi), tail);
}

/* e^t = (hi + lo) * 2^n: see sg_exp_parts. */
SG_INLINE void v_exp_parts(vf t, vf *hi, vf *lo, vi *n) {
  vf nf, r = v_exp_reduce(t, n, &nf);
  v_exp_poly(v_fnma(nf, v_set(SG_LN2_LO), r), hi, lo);
}

/* e^(t + tl) = (hi + lo) * 2^n with tl a small correction of t: see
 * sg_exp_parts2. */
SG_INLINE void v_exp_parts2(vf t, vf tl, vf *hi, vf *lo, vi *n) {
  vf nf, r = v_exp_reduce(t, n, &nf);
  v_exp_poly(v_add(r, v_fnma(nf, v_set(SG_LN2_LO), tl)), hi, lo);
}

#endif
